import ArgumentParser
import Foundation
import Overlay

/// `meridian bench seal`: ns per sealed-datagram seal and open against the raw
/// libsodium AEAD calls of the same suite in the same run, for each cipher
/// suite this CPU runs (AES-256-GCM needs AES-NI) or the one asked for.
struct BenchSealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "ns per seal and per open of a cascade datagram vs raw libsodium AEAD (goal ≤ 1.2×).",
        discussion: """
        Two in-process bridges complete a handshake that negotiates the suite; then, round \
        after round, one seals a batch of datagrams in place and the other opens them, \
        interleaved with the same number of bare libsodium encrypt_detached / \
        decrypt_detached calls of that suite (crypto_aead_aes256gcm_* or \
        crypto_aead_chacha20poly1305_ietf_*) on the same buffers. Figures are the median \
        (and best) ns per packet over rounds. Build with -c release.
        """
    )

    @Option(help: "Payload octets per datagram.")
    var size: Int = 1_100

    @Option(help: "Datagrams per round.")
    var batch: Int = 256

    @Option(help: "Measured rounds (after 20 warm-up rounds).")
    var rounds: Int = 2_000

    @Option(help: "Cipher suite: aes-256-gcm, chacha20-poly1305, or all (every suite this CPU runs).")
    var suite: String = "all"

    static let goal = 1.2

    func run() throws {
        let available = EnvelopeCipher.Suite.allCases.filter(\.isAvailable)
        let suites: [EnvelopeCipher.Suite]
        if suite == "all" {
            suites = available
        } else if let named = EnvelopeCipher.Suite(name: suite) {
            suites = [named]
        } else {
            throw ValidationError("unknown suite \(suite): use aes-256-gcm, chacha20-poly1305 or all")
        }
        print("meridian bench seal: \(size)-octet payload (+32 sealed), \(batch) datagrams × \(rounds) rounds, ns per datagram")
        let negotiated: EnvelopeCipher.Suite = available.contains(.aes256GCM) ? .aes256GCM : .chacha20Poly1305
        print("suites this CPU runs: \(available.map(\.description).joined(separator: ", ")); "
              + "two bridges on it negotiate \(negotiated)")
        for suite in suites {
            let configuration = SealBenchmark.Configuration(payloadSize: size, batch: batch, rounds: rounds,
                                                            suite: suite)
            let figures: SealBenchmark.Figures
            do { figures = try SealBenchmark.run(configuration) } catch { throw ValidationError(error.description) }
            report(figures)
        }
        print("")
        print("meridian = SealRegistry.seal/open (header, link and key lookup, limits, replay window, AEAD);")
        print("raw aead = the suite's bare libsodium encrypt_detached/decrypt_detached, same buffers and AD.")
    }

    private func report(_ figures: SealBenchmark.Figures) {
        print("")
        let raw = figures.suite == .aes256GCM ? "crypto_aead_aes256gcm" : "crypto_aead_chacha20poly1305_ietf"
        print("suite \(figures.suite) (raw aead: \(raw)_encrypt_detached/decrypt_detached)")
        print(row("op", "meridian", "raw aead", "ratio", "best meridian", "best raw", "goal"))
        print(row("seal", format(figures.seal.median), format(figures.rawSeal.median),
                  ratio(figures.sealRatio), format(figures.seal.best), format(figures.rawSeal.best), verdict(figures.sealRatio)))
        print(row("open", format(figures.open.median), format(figures.rawOpen.median),
                  ratio(figures.openRatio), format(figures.open.best), format(figures.rawOpen.best), verdict(figures.openRatio)))
    }

    private func row(_ columns: String...) -> String {
        let widths = [6, 10, 10, 8, 14, 10, 10]
        return zip(columns, widths).map { column, width in
            column.count >= width ? column : String(repeating: " ", count: width - column.count) + column
        }.joined(separator: "  ")
    }

    private func format(_ nanoseconds: Double) -> String { String(format: "%.1f", nanoseconds) }
    private func ratio(_ value: Double) -> String { String(format: "%.3f×", value) }
    private func verdict(_ value: Double) -> String {
        value <= Self.goal ? "≤ 1.2× ok" : "> 1.2× MISS"
    }
}
