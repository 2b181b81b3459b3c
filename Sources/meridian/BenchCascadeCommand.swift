import ArgumentParser
import Cascade
import Foundation
import Overlay
import Relay
import Topology

/// `meridian bench cascade`: CPU per packet of one cascade hop against the
/// kernel and crypto floors measured in the same run, and the long-haul
/// copies per stream of a conference in every region, tree versus mesh
/// (DESIGN §6). The measuring is in `Relay.CascadeHopBenchmark` and
/// `Cascade.StrategyComparison`; this parses options and prints.
struct BenchCascadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "CPU per packet of one cascade hop (open, route, seal, send) vs kernel and crypto floors; "
            + "long-haul copies per stream, tree vs mesh (goal ≤ 2 µs per hop).",
        discussion: """
        Three bridges on 127.0.0.1 with real sealed sessions: iad-1 sends a participant's \
        video (1,100-byte RTP in cascade frames, bursts of 32) to fra-1, which forwards it to \
        sin-1 because sin-1's receiver asked for it. The hop is fra-1's thread CPU clock around \
        receiveCascade, per copy. The kernel floor is recvmmsg + sendmmsg of as many datagrams \
        of the same size with nothing between; the crypto floor is SealRegistry open + seal of \
        the same frame in memory. Rounds rotate the three; figures are medians. Every copy \
        must reach sin-1 and open there, or the run fails. Build with -c release.
        """
    )

    @Option(help: "Media packets per round and per measurement (bursts of 32).")
    var packets = 32_000

    @Option(help: "Rounds; each measures the hop and both floors once (the median is reported).")
    var rounds = 7

    @Option(help: "RTP packet size in bytes inside each frame.")
    var size = 1_100

    @Option(help: "Topology for the long-haul table: one participant in every region, one bridge per region.")
    var topology = "topology/earth.yaml"

    @Flag(help: "Print each measurement as it runs.")
    var verbose = false

    func validate() throws {
        guard packets >= 32 else { throw ValidationError("--packets must be at least 32 (one burst)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let loaded = try loadOrExit(topology)
        var configuration = CascadeHopBenchmark.Configuration()
        configuration.packets = packets
        configuration.rounds = rounds
        configuration.packetSize = size
        let figures: CascadeHopBenchmark.Figures
        let compared: StrategyComparison
        do {
            figures = try CascadeHopBenchmark.run(configuration) { line in
                if verbose { print("  " + line) }
            }
            compared = try StrategyComparison.everyRegion(loaded)
        } catch let error as CascadeHopBenchmark.Failure {
            throw ValidationError(error.description)
        } catch let error as CascadeError {
            throw ValidationError(error.description)
        }
        printHop(figures)
        print("")
        printLongHaul(compared, topology: loaded)
    }

    private func printHop(_ figures: CascadeHopBenchmark.Figures) {
        let perRound = (packets + 31) / 32 * 32
        print("meridian bench cascade: one transit hop iad-1 → fra-1 → sin-1 on 127.0.0.1, \(size)-byte RTP video, "
              + "\(figures.frameLength)-byte frame, \(figures.datagramLength)-byte sealed datagram, bursts of 32")
        print("method: CPU clock of fra-1's thread around receiveCascade (recvmmsg, open, route, cache, copy, seal, "
              + "sendmmsg) per copy; floors on the same sizes in the same run; \(rounds) × \(perRound) packets, median")
        print("cipher suite: \(figures.suite) (negotiated by the bridges; the crypto floor uses the same)")
        print("")
        print(row("CPU µs per packet", "median", "rounds"))
        print(row("hop (kernel included)", format(figures.hop.median), series(figures.hop)))
        print(row("kernel floor", format(figures.kernelFloor.median), series(figures.kernelFloor)))
        print(row("  recvmmsg + sendmmsg only", "", ""))
        print(row("crypto floor", format(figures.cryptoFloor.median), series(figures.cryptoFloor)))
        print(row("  SealRegistry open + seal", "", ""))
        print(row("  raw AEAD under it", format(figures.rawAEAD.median), series(figures.rawAEAD)))
        print("")
        let goal = CascadeHopBenchmark.Figures.goalMicroseconds
        print(String(format: "Meridian's own work = hop − kernel floor = %.3f µs per packet (hop / kernel floor = %.2f×)",
                     figures.ownWork, figures.hopOverKernel))
        print(String(format: "  of which sealed-envelope crypto %.3f µs, lookups, routing, cache and copies %.3f µs "
                     + "(own work / crypto floor = %.2f×)",
                     figures.cryptoFloor.median, figures.ownWorkBeyondCrypto, figures.ownWorkOverCrypto))
        print(String(format: "goal (DESIGN §6, open + route + seal, no kernel) ≤ %.0f µs: own work %.3f µs — %@",
                     goal, figures.ownWork, figures.meetsGoal ? "met" : "MISSED"))
        print(String(format: "  (the hop with the kernel's share, %.3f µs, is %@ 2 µs)", figures.hop.median,
                     figures.hop.median <= goal ? "also within" : "above"))
        print("verified: sent \(figures.sent), fra-1 forwarded \(figures.forwarded), sin-1 opened and accepted "
              + "\(figures.receivedDownstream), its receiver got \(figures.delivered); "
              + "\(figures.compared) sampled packets identical octet for octet")
    }

    private func printLongHaul(_ compared: StrategyComparison, topology: Topology) {
        let bridges = compared.tree.plan.bridges.sorted()
        print("long-haul copies per stream: topology \(topology.name), a participant in each of its "
              + "\(topology.regions.count) regions, one bridge per region (\(bridges.joined(separator: ", ")))")
        print("method: each stream travels the union of the plan's paths to the other bridges, each link once; "
              + "a link is long-haul above \(Int(compared.thresholdMs)) ms RTT (LongHaulAccounting)")
        print("")
        let width = max(28, (compared.rows.map(\.name.count).max() ?? 0) + 2)
        print(pad("strategy", width) + pad("links", 7) + pad("copies/stream mean", 20) + pad("max", 5) + "worst path")
        for entry in compared.rows where entry.plan.strategy != .single {
            let worst = entry.plan.worstPath.map { String(format: "%.0f ms", $0.ms) } ?? "-"
            print(pad(entry.name, width) + pad(String(entry.links), 7)
                  + pad(String(format: "%.2f", entry.longHaul.meanPerStream), 20)
                  + pad(String(entry.longHaul.maxPerStream), 5) + worst)
        }
        let tree = compared.tree.longHaul, mesh = compared.mesh.longHaul
        print("")
        print(String(format: "tree sends %.2f long-haul copies per stream where mesh sends %.2f (%.0f %% fewer)",
                     tree.meanPerStream, mesh.meanPerStream,
                     mesh.meanPerStream > 0 ? 100 * (1 - tree.meanPerStream / mesh.meanPerStream) : 0))
        let uplink = { (plan: CascadeTree) in plan.bridges.map(plan.degree(of:)).max() ?? 0 }
        print("  with one bridge per region every bridge needs each stream and nearly every link is long-haul, so the "
              + "totals are close; the tree's gain is per bridge: at most \(uplink(compared.tree.plan)) copies leave "
              + "a bridge (max fan-out) where mesh sends \(uplink(compared.mesh.plan)) from each origin")
    }

    private func row(_ label: String, _ median: String, _ rounds: String) -> String {
        pad(label, 28) + String(repeating: " ", count: max(0, 8 - median.count)) + median + "   " + rounds
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }

    private func series(_ series: CascadeHopBenchmark.Series) -> String {
        series.rounds.map { String(format: "%.3f", $0) }.joined(separator: " ")
    }
}
