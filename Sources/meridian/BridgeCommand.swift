import ArgumentParser
import Control
import Foundation
import Overlay
import Relay
import Signaling
import Topology

struct BridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Run one bridge (the media relay), derive its control-channel secret, or drain it.",
        subcommands: [Run.self, Secret.self, Drain.self],
        defaultSubcommand: Run.self
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the bridge ID of the topology: media on its 'media' address, dialing the controller."
        )

        @Option(help: "The topology file.")
        var topology: String

        @Option(help: "This bridge's id in the topology.")
        var id: String

        @Option(help: "Controller URL (ws://HOST:PORT); default: from signaling.control (else signaling.listen) of the topology.")
        var controller: String?

        @Option(help: "File holding this bridge's control secret (from 'meridian bridge secret').")
        var secretFile: String

        @Option(help: "This bridge's key file from 'meridian keygen' (default: ID.key next to the topology, if present). Without one the bridge does not cascade.")
        var key: String?

        func run() async throws {
            let topology = try loadOrExit(self.topology)
            guard let entry = topology.bridge(id: id) else {
                throw ValidationError("bridge '\(id)' is not in \(self.topology); known: \(topology.bridges.map(\.id).joined(separator: ", "))")
            }
            let secret = String(decoding: try readSecret(secretFile), as: UTF8.self)
            let keyPath = key ?? URL(fileURLWithPath: self.topology).deletingLastPathComponent()
                .appendingPathComponent("\(id).key").path
            var cascadeKey: KeyPair?
            if key != nil || FileManager.default.fileExists(atPath: keyPath) {
                let keys: BridgeKeyFile
                do throws(BridgeKeyFile.Failure) { keys = try BridgeKeyFile.read(from: keyPath) } catch {
                    throw ValidationError("\(keyPath): \(error)")
                }
                guard keys.id == id else { throw ValidationError("\(keyPath) holds the keys of '\(keys.id)', not '\(id)'") }
                if let published = entry.cascadeKey, published != keys.cascade.publicKey {
                    throw ValidationError("\(keyPath): its cascade key does not match cascade-key of \(id) in \(self.topology)")
                }
                cascadeKey = keys.cascade
            }
            let bridge = try startBridge(entry, cascadeKey: cascadeKey,
                                         peers: CascadePeer.peers(in: topology, excluding: id))
            say("bridge \(id) (\(entry.region)): media \(bridge.mediaAddress), fingerprint \(bridge.fingerprint)")
            if let overlay = bridge.overlayAddress {
                say("bridge \(id): cascade on \(overlay)")
            } else {
                say("bridge \(id): no key file (\(keyPath)): this bridge does not cascade")
            }
            let url = controller ?? controllerURL(topology.signaling.controlListener)
            let logger = makeLogger("meridian.bridge.\(id)")
            let client = BridgeControlClient(bridge: bridge, controllerURL: url + ControlProtocol.path,
                                             secret: secret, logger: logger)
            let metrics = entry.metrics.map { address in
                let source = bridgeMetrics(bridge)
                return MetricsServer.makeApplication(address: address, recorders: [{ source.record(into: $0) }],
                                                     logger: logger) { port in
                    say("bridge \(id): metrics http://\(SocketAddress(host: address.host, port: UInt16(port)))/metrics")
                }
            }
            let path = self.topology
            await runUntilSignal {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    group.addTask { await bridge.follow(topologyFile: path, startedWith: topology, logger: logger) }
                    if let metrics {
                        group.addTask {
                            do { try await metrics.runService() } catch {
                                // Media matters more than numbers: a metrics
                                // listener that cannot bind is logged and the
                                // bridge keeps relaying until it is stopped.
                                logger.error("metrics listener on \(entry.metrics.map { "\($0)" } ?? "?"): \(error)")
                                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                            }
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
            await bridge.stop()
        }
    }

    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the control secret of bridge ID, derived from the cluster secret.",
            discussion: "Give each bridge only its own secret; the controller keeps the cluster secret."
        )

        @Option(help: "The bridge id.")
        var id: String

        @Option(help: "File holding the cluster secret.")
        var clusterSecretFile: String

        func run() throws {
            say(BridgeSecret.derive(clusterSecret: try readSecret(clusterSecretFile), bridge: id))
        }
    }
}

/// Binds and starts a bridge as the topology describes it; with a cascade
/// key it also binds its overlay address and may link to `peers`.
func startBridge(_ entry: Bridge, cascadeKey: KeyPair? = nil, peers: [CascadePeer] = [],
                 emulation: WANEmulation? = nil) throws -> MediaBridge {
    guard let media = PeerAddress(entry.media.description), let overlay = PeerAddress(entry.overlay.description) else {
        throw ValidationError("bad media or overlay address for \(entry.id)")
    }
    let cascade = cascadeKey.map { CascadeSettings(overlay: overlay, key: $0) }
    let bridge = try MediaBridge(configuration: .init(id: entry.id, region: entry.region, media: media,
                                                       capacity: entry.capacity, cascade: cascade, cascadePeers: peers,
                                                       emulation: emulation))
    bridge.start()
    return bridge
}

/// `ws://` URL of a listen address; an unspecified host means this machine.
func controllerURL(_ listen: SocketAddress) -> String {
    let host = listen.host.isUnspecified ? (listen.host.isIPv6 ? "[::1]" : "127.0.0.1")
        : (listen.host.isIPv6 ? "[\(listen.host)]" : "\(listen.host)")
    return "ws://\(host):\(listen.port)"
}

/// Runs `body` until SIGINT or SIGTERM.
func runUntilSignal(_ body: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask { await terminationSignal() }
        await group.next()
        group.cancelAll()
    }
}

/// Returns at the first SIGINT or SIGTERM.
func terminationSignal() async {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = OnceFlag()
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in sources {
            // The handler holds the sources, keeping them alive while the process runs.
            source.setEventHandler { if once.claim() { _ = sources; continuation.resume() } }
            source.resume()
        }
    }
}

/// True exactly once, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
