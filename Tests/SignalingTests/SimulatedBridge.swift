import Control
import Synchronization
@testable import Signaling
import Topology

/// A bridge at the other end of a `BridgeLink`: it decodes each command frame
/// the controller writes and replies through the real link, recording what it
/// was told. It stands in for the media plane only; the controller's code
/// under test is the real one.
final class SimulatedBridge: Sendable {
    final class Recorder: Sendable {
        let commands = Mutex<[ControlCommand]>([])
        /// When set, every command is refused with this message.
        let refusal = Mutex<String?>(nil)
        let link = Mutex<BridgeLink?>(nil)
    }

    let id: String
    let link: BridgeLink
    private let recorder = Recorder()

    init(id: String, region: String, media: String = "127.0.0.1:10001") {
        self.id = id
        let hello = BridgeHello(bridge: id, region: region, software: "test", media: [media],
                                fingerprint: SDPFixtures.fingerprint)
        let recorder = self.recorder
        link = BridgeLink(hello: hello) { text in
            guard case .command(let id, let command) = try ControlCodec.decodeControllerMessage(text) else { return }
            recorder.commands.withLock { $0.append(command) }
            let error = recorder.refusal.withLock { $0 }
            let link = recorder.link.withLock { $0 }
            Task { await link?.resolve(CommandReply(id: id, error: error)) }
        }
        recorder.link.withLock { $0 = link }
    }

    var received: [ControlCommand] { recorder.commands.withLock { $0 } }

    func refuse(with message: String?) { recorder.refusal.withLock { $0 = message } }

    func allocations(for endpoint: String) -> [ControlCommand.Allocate] {
        received.compactMap { if case .allocate(let a) = $0, a.endpoint == endpoint { return a } else { return nil } }
    }

    func updates(for endpoint: String) -> [ControlCommand.Update] {
        received.compactMap { if case .update(let u) = $0, u.endpoint == endpoint { return u } else { return nil } }
    }

    /// The cascade commands received for `room`, oldest first.
    func cascades(for room: String) -> [ControlCommand.Cascade] {
        received.compactMap { if case .cascade(let c) = $0, c.conference == room { return c } else { return nil } }
    }

    /// The cascade state this bridge holds for `room` (the last command).
    func cascade(for room: String) -> ControlCommand.Cascade? { cascades(for: room).last }

    /// Sends a stats report through the controller's bridge-message entry
    /// (`Controller.receive`, as `ControlEndpoint` does), as received `at`
    /// (default now).
    func report(_ stats: BridgeStats, to controller: Controller, at instant: ContinuousClock.Instant = .now) async {
        await controller.receive(.stats(stats), from: link, at: instant)
    }

    /// Sends a frame from this bridge through the controller's dispatch.
    func send(_ message: BridgeMessage, to controller: Controller) async {
        await controller.receive(message, from: link)
    }
}

enum ControllerFixture {
    static let topology = try! Topology.parse(yaml: """
        version: 1
        name: t
        regions:
          eu: { lat: 50, lon: 8, clients: ["192.0.2.0/24"] }
          us: { lat: 39, lon: -77 }
        overlay: { mode: loopback }
        bridges:
          fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }
          iad-1: { region: us, media: 127.0.0.1:10002, overlay: 127.0.0.1:4002 }
        signaling: { default-region: eu }
        """, file: "t.yaml")

    /// Three regions with declared RTTs, two bridges in `eu`, a region `sa`
    /// without bridges. With `max-fanout: 2` the best tree over fra-1, iad-1
    /// and sin-1 is the path iad-1–fra-1–sin-1 (worst path 248 ms), and
    /// without fra-1~sin-1 it is fra-1–iad-1–sin-1 (308 ms).
    static func world(strategy: String = "tree", maxFanout: Int = 2) -> Topology {
        try! Topology.parse(yaml: """
            version: 1
            name: world
            regions:
              eu: { lat: 50, lon: 8 }
              us: { lat: 39, lon: -77 }
              ap: { lat: 1, lon: 103 }
              sa: { lat: -23, lon: -46 }
            latency-ms:
              eu~us: 88
              eu~ap: 160
              us~ap: 220
            overlay: { mode: loopback }
            bridges:
              fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }
              fra-2: { region: eu, media: 127.0.0.1:10002, overlay: 127.0.0.1:4002 }
              iad-1: { region: us, media: 127.0.0.1:10003, overlay: 127.0.0.1:4003 }
              sin-1: { region: ap, media: 127.0.0.1:10004, overlay: 127.0.0.1:4004 }
            signaling: { default-region: eu }
            cascade: { strategy: \(strategy), max-fanout: \(maxFanout) }
            """, file: "world.yaml")
    }

    static func make() async throws -> (Controller, [String: SimulatedBridge]) {
        try await make(topology: topology)
    }

    /// A controller over `topology` with every bridge of it simulated and connected.
    static func make(topology: Topology, log: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> (Controller, [String: SimulatedBridge]) {
        // Simulated bridges send no stats; a loaded CI machine must not mark them down.
        let registry = BridgeRegistry(topology: topology, silenceLimit: .seconds(3600))
        var bridges: [String: SimulatedBridge] = [:]
        for entry in topology.bridges {
            let bridge = SimulatedBridge(id: entry.id, region: entry.region, media: entry.media.description)
            try await registry.connect(bridge.link)
            bridges[entry.id] = bridge
        }
        return (Controller(topology: topology, registry: registry, log: log), bridges)
    }
}
