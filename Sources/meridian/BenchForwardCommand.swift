import ArgumentParser
import Foundation
import Relay

/// `meridian bench forward`: CPU µs per forwarded packet and the highest
/// loss-free rate of one bridge (the real Relay forwarding path) against a C
/// floor compiled and run in the same invocation (DESIGN §6, goal ≤ 1.2×).
struct BenchForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "CPU per forwarded SRTP packet, fan-out 8, vs a C recvmmsg/libsrtp2/sendmmsg floor (goal ≤ 1.2×).",
        discussion: """
        A publisher sends AEAD_AES_128_GCM SRTP video (1,100-byte RTP packets, in bursts of 32) to a \
        bridge on 127.0.0.1, which forwards each packet to 8 subscribers (keys set directly, no ICE or \
        DTLS). The bridge is a MediaEngine on its media thread; the reference is a C program built \
        here with cc -O2 and libsrtp2 (recvmmsg → srtp_unprotect → 8 × srtp_protect → sendmmsg, \
        batches of 32). CPU is each forwarding thread's CPU clock per packet read, at a fixed offered \
        rate, median of rounds that alternate between the two. The highest rate is the largest offered \
        rate whose step lost < 0.1 % at the subscribers. Needs cc and libsrtp2-dev. Build with -c release.
        """
    )

    @Option(help: "RTP packet size in bytes (SRTP adds a 16-byte tag).")
    var size = 1_100

    @Option(help: "Subscribers each packet is forwarded to.")
    var fanOut = 8

    @Option(help: "Offered publisher rate (packets/s) for the CPU measurement.")
    var rate = 10_000.0

    @Option(help: "Seconds per CPU round.")
    var seconds = 1.5

    @Option(help: "CPU rounds per forwarder (the median is reported).")
    var rounds = 8

    @Flag(help: "Measure CPU only; skip the search for the highest loss-free rate.")
    var noRateSearch = false

    @Flag(help: "Print each step as it runs.")
    var verbose = false

    static let goal = 1.2

    func run() throws {
        var configuration = ForwardingBenchmark.Configuration()
        configuration.packetSize = size
        configuration.fanOut = fanOut
        configuration.cpuRate = rate
        configuration.cpuSeconds = seconds
        configuration.rounds = rounds
        configuration.searchRate = !noRateSearch
        let figures: ForwardingBenchmark.Figures
        do {
            figures = try ForwardingBenchmark.run(configuration) { line in
                if verbose { print("  " + line) }
            }
        } catch {
            throw ValidationError(error.description)
        }
        let meridian = figures.meridian, reference = figures.reference
        print("meridian bench forward: publisher → bridge → \(fanOut) subscribers on 127.0.0.1, AEAD_AES_128_GCM, "
              + "\(grouped(Double(size)))-byte RTP (\(grouped(Double(size + 16))) on the wire)")
        print("reference: \(figures.referenceCommand)")
        print("")
        print("CPU per forwarded packet at \(grouped(rate)) packets/s offered (\(rounds) × \(format(seconds, 1)) s, median):")
        print(row("", "meridian", "reference", "ratio", "goal"))
        print(row("µs per packet (×\(fanOut))", format(meridian.medianCPUMicroseconds, 2),
                  format(reference.medianCPUMicroseconds, 2), format(figures.ratio, 3) + "×",
                  figures.ratio <= Self.goal ? "≤ 1.2× ok" : "> 1.2× MISS"))
        print(row("µs per copy", format(meridian.medianCPUMicroseconds / Double(fanOut), 3),
                  format(reference.medianCPUMicroseconds / Double(fanOut), 3), "", ""))
        for (index, (mine, theirs)) in zip(meridian.cpuMicroseconds, reference.cpuMicroseconds).enumerated() {
            print(row("  round \(index + 1)", format(mine, 2), format(theirs, 2), format(mine / theirs, 3) + "×", ""))
        }
        if let meridianRate = meridian.highestRate, let referenceRate = reference.highestRate {
            print("")
            print("highest rate with < 0.1 % loss at the subscribers (1 s steps):")
            print(row("packets/s in", grouped(meridianRate), grouped(referenceRate),
                      format(meridianRate / referenceRate, 3) + "×", ""))
            print(row("copies/s out", grouped(meridianRate * Double(fanOut)), grouped(referenceRate * Double(fanOut)), "", ""))
        }
        print("")
        print("verified: \(meridian.verified + reference.verified) sampled copies decrypted to the packet sent "
              + "(meridian \(meridian.verified), reference \(reference.verified)); "
              + "drops: meridian \(meridian.drops), reference \(reference.drops)")
    }

    private func row(_ columns: String...) -> String {
        let widths = [24, 14, 14, 8, 12]
        return zip(columns, widths).enumerated().map { index, pair in
            let (column, width) = pair
            let padding = String(repeating: " ", count: max(0, width - column.count))
            return index == 0 ? column + padding : padding + column
        }.joined(separator: "  ")
    }

    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
