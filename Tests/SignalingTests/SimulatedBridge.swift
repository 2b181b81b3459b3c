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

    init(id: String, region: String) {
        self.id = id
        let hello = BridgeHello(bridge: id, region: region, software: "test", media: ["127.0.0.1:10001"],
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

    func updates(for endpoint: String) -> [ControlCommand.Update] {
        received.compactMap { if case .update(let u) = $0, u.endpoint == endpoint { return u } else { return nil } }
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

    static func make() async throws -> (Controller, [String: SimulatedBridge]) {
        // Simulated bridges send no stats; a loaded CI machine must not mark them down.
        let registry = BridgeRegistry(topology: topology, silenceLimit: .seconds(3600))
        var bridges: [String: SimulatedBridge] = [:]
        for (id, region) in [("fra-1", "eu"), ("iad-1", "us")] {
            let bridge = SimulatedBridge(id: id, region: region)
            try await registry.connect(bridge.link)
            bridges[id] = bridge
        }
        return (Controller(topology: topology, registry: registry), bridges)
    }
}
