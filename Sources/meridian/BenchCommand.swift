import ArgumentParser

/// `meridian bench …`: benchmarks that measure a reference in the same run
/// (DESIGN §6), so a figure is always read against the floor of the machine
/// it ran on. Each subcommand only parses options and prints; the measuring
/// code lives in the library targets, where tests exercise it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each against a reference measured in the same run.",
        subcommands: [
            BenchSealCommand.self,
            BenchForwardCommand.self,
            BenchCascadeCommand.self,
        ]
    )
}
