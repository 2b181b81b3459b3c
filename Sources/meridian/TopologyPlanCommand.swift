import ArgumentParser
import Foundation
import Cascade
import Topology

extension TopologyCommand {
    /// `meridian topology plan`: the cascade a conference over some bridges
    /// would get, before anything changes. All logic is in
    /// `Cascade.CascadePlanReport`; this only parses and reports errors.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a conference's cascade: the tree, each pair's latency along it, long-haul copies per stream.",
            discussion: """
            Plans for all of the topology's bridges unless --bridges names some. RTTs are the \
            declared latency-ms between regions, else estimated from coordinates (marked '*'). \
            A link counts as long-haul above 30 ms; copies are counted with participants on \
            every planned bridge, one stream per origin bridge.
            """
        )

        @Argument(help: "The topology file.")
        var file: String

        @Option(help: "Comma-separated bridge ids of the conference (default: every bridge).")
        var bridges: String?

        @Option(help: "tree, mesh or single (default: the topology's cascade strategy).")
        var strategy: CascadeStrategy?

        @Option(help: "Links per bridge at most, under tree (default: the topology's max-fanout).")
        var maxFanout: Int?

        func validate() throws {
            if let maxFanout, maxFanout < 1 {
                throw ValidationError("--max-fanout must be at least 1 (got \(maxFanout))")
            }
            if let bridges, bridgeList(bridges).isEmpty {
                throw ValidationError("--bridges names no bridge (give ids separated by commas, e.g. fra-1,iad-1)")
            }
        }

        func run() throws {
            let topology = try loadOrExit(file)
            let unknown = bridges.map(bridgeList)?.filter { topology.bridge(id: $0) == nil } ?? []
            if !unknown.isEmpty {
                for id in unknown { printError("error: \(CascadeError.unknownBridge(id, known: topology.bridges.map(\.id).sorted()))") }
                throw ExitCode.failure
            }
            do {
                print(try CascadePlanReport.render(topology, bridges: bridges.map(bridgeList),
                                                   strategy: strategy, maxFanout: maxFanout))
            } catch {
                printError("error: \(error.description)")
                throw ExitCode.failure
            }
        }

        private func bridgeList(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }
}

extension CascadeStrategy: ExpressibleByArgument {}
