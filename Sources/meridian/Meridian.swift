import ArgumentParser

/// `meridian`: one binary for the controller, the bridges, the overlay and the
/// operator's tools (DESIGN §2). Each subcommand only parses arguments and
/// wires modules together; the logic lives in the library targets.
@main
struct Meridian: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "A self-hosted media relay for video meetings that span continents.",
        subcommands: [
            UpCommand.self,
            SignalCommand.self,
            BridgeCommand.self,
            TokenCommand.self,
            TopologyCommand.self,
            KeygenCommand.self,
            OverlayCommand.self,
            BenchCommand.self,
        ]
    )
}
