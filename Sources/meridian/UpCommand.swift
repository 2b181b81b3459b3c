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
        No root needed: bridges listen on their topology 'media' addresses, the controller's client \
        API on signaling.listen (or --listen), its control channel and /metrics on signaling.control \
        and signaling.metrics when set (else beside the client API). The bridges dial the control \
        channel with secrets derived from a cluster secret generated for this run. Bridge metrics \
        are served on each bridge's 'metrics' address, or with the controller's. Prints the URLs, \
        the bridges with their regions, and a line per join and leave. Stop with Ctrl-C.
        """
    )

    @Option(help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(help: "Listen address of the controller's client API (HOST:PORT; port 0 picks a free one).")
    var listen: String?

    @Flag(help: "Delay inter-bridge and bridge-to-participant traffic by the topology's latencies (half the round trip each way between bridges; the round trip toward a participant, by its region), so cascade behaviour can be seen on one machine.")
    var emulateWan = false

    func run() async throws {
        let topology = try loadOrExit(self.topology)
        let listeners = try controllerListeners(topology, listen: listen)
        let verifier = try await roomTokenVerifier(topology, path: self.topology)
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
        // A bridge with a metrics address of its own serves it there; the
        // others' series go on the controller's metrics listener (each
        // carries a bridge label).
        let metrics = bridges.map { bridge in (topology.bridge(id: bridge.configuration.id)?.metrics, bridgeMetrics(bridge)) }
        let shared: [MetricsEndpoint.Recorder] = metrics.filter { $0.0 == nil }.map { _, source in { source.record(into: $0) } }
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology)) { say($0) }
        let ports = BoundPorts()
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: listeners,
            options: .init(clusterSecret: clusterSecret, verifier: verifier,
                           extraMetrics: shared),
            logger: logger
        ) { listener, port in await ports.set(listener, port: port) }
        let bridgeMetricsApps = metrics.compactMap { address, source in
            address.map { address in
                MetricsServer.makeApplication(address: address, recorders: [{ source.record(into: $0) }], logger: logger) {
                    say("bridge \(source.bridge): metrics http://\(SocketAddress(host: address.host, port: UInt16($0)))/metrics")
                }
            }
        }
        let started = bridges, path = self.topology, emulate = emulateWan
        func bound(_ role: SignalServer.Role) async -> SocketAddress {
            let host = listeners.first { $0.roles.contains(role) }!.address.host
            return SocketAddress(host: host, port: UInt16(await ports.port(role)))
        }
        await withThrowingTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { try await app.runService() } }
            for app in bridgeMetricsApps { group.addTask { try await app.runService() } }
            group.addTask { await controller.watchBridges(every: .milliseconds(500)) }
            // Live edits reach the controller and the running bridges; a bridge
            // added to the file is not started by `up` (restart it for that).
            // One watcher for the whole process: each version goes to the
            // controller and to every bridge; an invalid edit is reported once.
            group.addTask { [path = self.topology, started] in
                var current = topology
                for await event in TopologyWatcher.events(path: path) {
                    switch event {
                    case .updated(let next):
                        guard next != current else { continue }
                        await controller.apply(topology: next)
                        for bridge in started {
                            await bridge.apply(topology: next, after: current, keys: publicKeys,
                                               logger: makeLogger("meridian.bridge.\(bridge.configuration.id)"))
                        }
                        current = next
                    case .rejected(let error, _):
                        say("topology: the edit of \(path) is invalid; keeping the running version:\n\(error)")
                    }
                }
            }
            group.addTask {
                let http = controllerURL(await bound(.client)).replacingOccurrences(of: "ws://", with: "http://")
                let control = controllerURL(await bound(.control))
                let metricsURL = controllerURL(await bound(.metrics)).replacingOccurrences(of: "ws://", with: "http://")
                say("meridian up: topology '\(topology.name)' from \(path)")
                if emulate { say("WAN emulation: inter-bridge and participant traffic delayed by the topology's latencies") }
                say("controller: \(http)")
                if topology.signaling.control != nil { say("control: \(control)\(ControlProtocol.path)") }
                say("metrics: \(metricsURL)/metrics")
                for bridge in started {
                    say("bridge \(bridge.configuration.id) (\(bridge.configuration.region)): media \(bridge.mediaAddress), cascade \(bridge.overlayAddress.map { "\($0)" } ?? "off")")
                }
                if let auth = topology.signaling.auth {
                    say("room tokens: \(auth.algorithm.rawValue)\(auth.required ? ", required" : ", optional") (make one with: meridian token --topology \(path) --room ROOM)")
                }
                say("join with: curl -X POST \(http)/v1/rooms/ROOM/participants -d '{\"name\":\"alice\"}'")
                await withTaskGroup(of: Void.self) { clients in
                    for bridge in started {
                        let secret = BridgeSecret.derive(clusterSecret: clusterSecret, bridge: bridge.configuration.id)
                        let client = BridgeControlClient(bridge: bridge, controllerURL: control + ControlProtocol.path,
                                                         secret: secret,
                                                         logger: makeLogger("meridian.bridge.\(bridge.configuration.id)"))
                        clients.addTask { await client.run() }
                    }
                }
            }
            // The servers return on SIGINT/SIGTERM (graceful shutdown); then stop the rest.
            _ = try? await group.next()
            group.cancelAll()
        }
        for bridge in bridges { await bridge.stop() }
        say("meridian up: stopped")
    }
}

/// A bridge's metrics, read from its statistics snapshot when scraped.
func bridgeMetrics(_ bridge: MediaBridge) -> BridgeMetrics {
    BridgeMetrics(bridge: bridge.configuration.id, dropReasons: DropReason.allCases.map(\.name)) { bridge.statistics() }
}
