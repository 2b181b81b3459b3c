import ArgumentParser
import Foundation
import Overlay
import Topology

/// `meridian overlay up|status|down` (DESIGN §5): argument parsing and
/// printing only; the work is `OverlayManager` in the Overlay module.
struct OverlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract: "Create, inspect and remove this bridge's WireGuard overlay interface.",
        discussion: """
        The interface (default wg-meridian) gets the bridge's overlay address with the overlay \
        network's prefix, its WireGuard private key (from the key file), the port of its own \
        wireguard endpoint as listen port, and one peer per other bridge (allowed-ips = that \
        bridge's overlay /32 or /128, keepalive 25 s). The kernel module is used when present \
        (generic netlink); otherwise wireguard-go is started and configured through its UAPI \
        socket. wireguard-go keeps one socket directory for all network namespaces, so bridges \
        sharing a machine need distinct --interface names.
        """,
        subcommands: [Up.self, Status.self, Down.self]
    )

    struct Target: ParsableArguments {
        @Option(help: "The topology file.")
        var topology: String?

        @Option(help: "This bridge's id in the topology.")
        var id: String?

        @Option(help: "The WireGuard interface name.")
        var interface: String = OverlayDesiredState.defaultInterfaceName
    }

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the interface from the topology; changes only what differs.")

        @OptionGroup var target: Target

        @Option(help: "The bridge's key file (default: ID.key next to the topology file).")
        var key: String?

        func validate() throws {
            guard target.topology != nil, target.id != nil else {
                throw ValidationError("overlay up needs --topology FILE and --id ID")
            }
        }

        func run() throws {
            guard let topologyPath = target.topology, let id = target.id else { return }
            let topology = try loadOrExit(topologyPath)
            let keyPath = key ?? URL(fileURLWithPath: topologyPath).deletingLastPathComponent()
                .appendingPathComponent("\(id).key").path
            try orExit {
                _ = try OverlayDesiredState.bridge(id, in: topology)
                let keys: BridgeKeyFile
                do throws(BridgeKeyFile.Failure) { keys = try BridgeKeyFile.read(from: keyPath) } catch {
                    throw OverlayError.keyFile(error.description)
                }
                let desired = try OverlayDesiredState(topology: topology, bridgeID: id, keys: keys, keyPath: keyPath,
                                                      interfaceName: target.interface)
                let report = try OverlayManager().up(desired) { print($0) }
                if report.changes.isEmpty {
                    print("\(target.interface): no changes (already matches the topology)")
                } else {
                    let count = report.changes.count
                    print("\(target.interface): \(count) change\(count == 1 ? "" : "s") applied")
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the interface, its path, and each peer's endpoint, latest handshake and transfer.",
            discussion: "With --topology and --id, peers are named by bridge id. Exits 1 if there is no such interface.")

        @OptionGroup var target: Target

        func validate() throws {
            guard (target.topology == nil) == (target.id == nil) else {
                throw ValidationError("pass both --topology and --id to name peers, or neither")
            }
        }

        func run() throws {
            var names: [PublicKey: String] = [:]
            if let path = target.topology, let id = target.id {
                for bridge in try loadOrExit(path).bridges where bridge.id != id {
                    if let key = bridge.wireguard?.publicKey { names[key] = bridge.id }
                }
            }
            try orExit {
                guard let status = try OverlayManager().status(interface: target.interface) else {
                    printError("no interface \(target.interface) in this network namespace (run meridian overlay up)")
                    throw ExitCode.failure
                }
                print(status.render(peerNames: names, now: Date().timeIntervalSince1970))
            }
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the interface and stop the wireguard-go serving it.",
            discussion: "Refuses to remove an interface that is not a WireGuard one. --topology and --id are accepted for symmetry with up and ignored.")

        @OptionGroup var target: Target

        func run() throws {
            try orExit {
                guard let report = try OverlayManager().down(interface: target.interface) else {
                    print("\(target.interface): no such interface; nothing to do")
                    return
                }
                print("removed interface \(target.interface) (\(report.path))")
                if let pid = report.stoppedProcess {
                    print("wireguard-go (pid \(pid)) exited\(report.neededSignal ? " after SIGTERM" : "")")
                }
            }
        }
    }
}

/// Runs `body`, printing an `OverlayError` as `error: …` and exiting 1.
private func orExit(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as OverlayError {
        printError("error: \(error)")
        throw ExitCode.failure
    }
}
