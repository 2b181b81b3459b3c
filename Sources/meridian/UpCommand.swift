import ArgumentParser
import Control
import Foundation
import Hummingbird
import Overlay
import Relay
import Signaling
import Topology

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the embedded local cluster: the controller and every bridge of a topology in one process.",
        discussion: """
        No root needed: bridges listen on their topology 'media' addresses, the controller on \
        signaling.listen (or --listen). The bridges dial the controller's control channel with \
        secrets derived from a cluster secret generated for this run. Prints the URLs, the \
        bridges with their regions, and a line per join and leave. Stop with Ctrl-C.
        """
    )

    @Option(help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(help: "Listen address of the controller (HOST:PORT; port 0 picks a free one).")
    var listen: String?

    @Flag(help: "Delay inter-bridge and bridge-to-participant traffic by the topology's latencies (half the round trip each way between bridges; the round trip toward a participant, by its region), so cascade behaviour can be seen on one machine.")
    var emulateWan = false

    func run() async throws {
        let topology = try loadOrExit(self.topology)
        let address = try listenAddress(listen, default: topology.signaling.listen)
        let clusterSecret = BridgeSecret.generateClusterSecret()
        let logger = makeLogger("meridian.up")

        // Cascade keys made in memory for this run (DESIGN §3: loopback mode).
        let keys = Dictionary(uniqueKeysWithValues: topology.bridges.map { ($0.id, KeyPair.generate()) })
        let publicKeys = keys.mapValues(\.publicKey)
        var bridges: [MediaBridge] = []
        for entry in topology.bridges {
            do {
                bridges.append(try startBridge(entry, cascadeKey: keys[entry.id],
                                               peers: CascadePeer.peers(in: topology, excluding: entry.id, keys: publicKeys),
                                               emulation: emulateWan ? WANEmulation(topology: topology, bridge: entry.id) : nil))
            } catch {
                throw ValidationError("bridge \(entry.id): cannot start on \(entry.media): \(error)")
            }
        }
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology)) { say($0) }
        let ready = ReadyPort()
        let app = SignalServer.makeApplication(controller: controller, clusterSecret: clusterSecret,
                                               host: address.host.description, port: Int(address.port),
                                               logger: logger) { port in await ready.set(port) }
        let started = bridges, path = self.topology, emulate = emulateWan
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { await controller.watchBridges(every: .milliseconds(500)) }
            // Live edits reach the controller and the running bridges; a bridge
            // added to the file is not started by `up` (restart it for that).
            group.addTask { [path = self.topology] in await controller.follow(topologyFile: path) }
            for bridge in bridges {
                group.addTask { [path = self.topology] in
                    await bridge.follow(topologyFile: path, startedWith: topology, keys: publicKeys,
                                        logger: makeLogger("meridian.bridge.\(bridge.configuration.id)"))
                }
            }
            group.addTask {
                let port = await ready.port()
                let url = controllerURL(SocketAddress(host: address.host, port: UInt16(port)))
                let http = url.replacingOccurrences(of: "ws://", with: "http://")
                say("meridian up: topology '\(topology.name)' from \(path)")
                if emulate { say("WAN emulation: inter-bridge and participant traffic delayed by the topology's latencies") }
                say("controller: \(http)")
                for bridge in started {
                    say("bridge \(bridge.configuration.id) (\(bridge.configuration.region)): media \(bridge.mediaAddress), cascade \(bridge.overlayAddress.map { "\($0)" } ?? "off")")
                }
                say("join with: curl -X POST \(http)/v1/rooms/ROOM/participants -d '{\"name\":\"alice\"}'")
                await withTaskGroup(of: Void.self) { clients in
                    for bridge in started {
                        let secret = BridgeSecret.derive(clusterSecret: clusterSecret, bridge: bridge.configuration.id)
                        let client = BridgeControlClient(bridge: bridge, controllerURL: url + ControlProtocol.path,
                                                         secret: secret,
                                                         logger: makeLogger("meridian.bridge.\(bridge.configuration.id)"))
                        clients.addTask { await client.run() }
                    }
                }
            }
            // The server returns on SIGINT/SIGTERM (graceful shutdown); then stop the rest.
            _ = try? await group.next()
            group.cancelAll()
        }
        for bridge in bridges { await bridge.stop() }
        say("meridian up: stopped")
    }
}

/// The controller's bound port, once it is listening.
actor ReadyPort {
    private var value: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ port: Int) {
        value = port
        for waiter in waiters { waiter.resume(returning: port) }
        waiters.removeAll()
    }

    func port() async -> Int {
        if let value { return value }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
