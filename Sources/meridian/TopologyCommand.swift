import ArgumentParser
import Topology

struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Validate and describe topology files.",
        subcommands: [Check.self, Show.self, Plan.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a topology file: exit 0 with a summary, or print every error and exit 1.",
            discussion: "Errors are printed as FILE:LINE:COLUMN: error: what is wrong (how to fix it)."
        )

        @Argument(help: "The topology file.")
        var file: String

        func run() throws {
            let topology = try loadOrExit(file)
            print(TopologyReport.summary(topology, file: file))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a topology: regions, bridges, latencies between regions, the overlay plan.",
            discussion: """
            Latencies are the declared latency-ms values where given; others are estimated \
            from the regions' coordinates and marked '*': the great-circle distance there and \
            back at 2/3 of the speed of light (light in fibre), plus 10 ms of fixed overhead: \
            rtt_ms = 2 × distance_km / 199.86 + 10.
            """
        )

        @Argument(help: "The topology file.")
        var file: String

        func run() throws {
            print(TopologyReport.show(try loadOrExit(file)))
        }
    }
}

/// Loads a topology or prints every located error to standard error and exits 1.
func loadOrExit(_ path: String) throws -> Topology {
    do {
        return try Topology.load(path: path)
    } catch {
        printError(error.description)
        let count = error.diagnostics.count
        printError("\(count) error\(count == 1 ? "" : "s") in \(path)")
        throw ExitCode.failure
    }
}
