import Control
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import Logging
import Synchronization
import Testing
@testable import Signaling
import Topology

/// The control channel end to end over real WebSockets: bridges dial the
/// controller's server, the cascade commands arrive as frames, a link event
/// sent as a frame replans, and a closed socket replans at once.
struct ControlChannelTests {
    static let clusterSecret = Array("a cluster secret for the tests".utf8)

    /// A bridge client speaking the control protocol: hello, then replies to
    /// every command (recording it), plus frames the test asks it to send.
    final class WireBridge: Sendable {
        let id: String
        let region: String
        let commands = Mutex<[ControlCommand]>([])
        let outgoing: AsyncStream<String>
        private let sink: AsyncStream<String>.Continuation

        init(id: String, region: String) {
            self.id = id
            self.region = region
            (outgoing, sink) = AsyncStream<String>.makeStream()
        }

        func send(_ message: BridgeMessage) { sink.yield(ControlCodec.encode(message)) }

        func cascade(for room: String) -> ControlCommand.Cascade? {
            commands.withLock { $0 }.compactMap { if case .cascade(let c) = $0, c.conference == room { return c } else { return nil } }.last
        }

        /// Connects and serves until the calling task is cancelled.
        func run(host: String = "127.0.0.1", port: Int) async throws {
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Meridian-Bridge")!] = id
            headers[HTTPField.Name(ControlProtocol.secretHeader)!] =
                BridgeSecret.derive(clusterSecret: ControlChannelTests.clusterSecret, bridge: id)
            let hello = BridgeHello(bridge: id, region: region, software: "test", media: ["127.0.0.1:10001"],
                                    fingerprint: SDPFixtures.fingerprint)
            try await WebSocketClient.connect(url: "ws://\(host):\(port)\(ControlProtocol.path)",
                                              configuration: .init(additionalHeaders: headers),
                                              logger: Logger(label: "test.\(id)")) { inbound, outbound, _ in
                let writer = Writer(outbound)
                try await writer.write(ControlCodec.encode(.hello(hello)))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in self.outgoing { try await writer.write(text) }
                    }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message,
                                  case .command(let id, let command)? = try? ControlCodec.decodeControllerMessage(text) else { continue }
                            self.commands.withLock { $0.append(command) }
                            try await writer.write(ControlCodec.encode(.reply(CommandReply(id: id))))
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    actor Writer {
        let outbound: WebSocketOutboundWriter
        init(_ outbound: WebSocketOutboundWriter) { self.outbound = outbound }
        func write(_ text: String) async throws { try await outbound.write(.text(text)) }
    }

    actor Port {
        private var value: Int?
        func set(_ port: Int) { value = port }
        func get() -> Int? { value }
    }

    /// Polls `condition` until it holds or `timeout` passes (generous: the
    /// whole suite runs in parallel on a 2-core machine, and a listener can
    /// take seconds to come up there).
    static func eventually(_ timeout: Duration = .seconds(60), _ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }

    @Test func cascadeCommandsLinkEventsAndAClosedSocketOverTheWire() async throws {
        let topology = ControllerFixture.world()
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology, silenceLimit: .seconds(3600)))
        let port = Port()
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: [try SignalServer.Listener.allRolesOnLoopback()],
            options: .init(clusterSecret: Self.clusterSecret), logger: Logger(label: "test.signal")
        ) { _, bound in await port.set(bound) }
        let bridges = [WireBridge(id: "fra-1", region: "eu"), WireBridge(id: "iad-1", region: "us"),
                       WireBridge(id: "sin-1", region: "ap")]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { try await app.runService() } }
            defer { group.cancelAll() }
            #expect(await Self.eventually { await port.get() != nil })
            let listening = await port.get() ?? 0
            var clients: [String: Task<Void, any Error>] = [:]
            for bridge in bridges { clients[bridge.id] = Task { try await bridge.run(port: listening) } }
            #expect(await Self.eventually { await controller.registry.upBridges().count == 3 })

            var joined: [JoinResponse] = []
            for (name, region) in [("alice", "eu"), ("bob", "us"), ("carol", "ap")] {
                joined.append(try await controller.join(room: "r", request: JoinRequest(name: name, region: region),
                                                        peer: nil))
            }
            let tree = [CascadeEdge("fra-1", "iad-1"), CascadeEdge("fra-1", "sin-1")]
            for bridge in bridges { #expect(bridge.cascade(for: "r")?.links == tree) }

            // A link event frame: the controller plans around the pair.
            bridges[2].send(.link(LinkEvent(peer: "fra-1", state: .down)))
            let detour = [CascadeEdge("fra-1", "iad-1"), CascadeEdge("iad-1", "sin-1")]
            #expect(await Self.eventually { bridges.allSatisfy { $0.cascade(for: "r")?.links == detour } })

            // sin-1's socket closes: carol moves to fra-1 and the others are
            // replanned without sin-1 at once.
            clients["sin-1"]?.cancel()
            let alice = joined[0].id, carol = joined[2].id
            #expect(await Self.eventually {
                bridges[0].cascade(for: "r")?.links == [CascadeEdge("fra-1", "iad-1")]
                    && bridges[1].cascade(for: "r")?.remote.map(\.endpoint) == [alice, carol]
                    && bridges[1].cascade(for: "r")?.remote.last?.bridge == "fra-1"
            })
            #expect(await controller.registry.upBridges() == ["fra-1", "iad-1"])
            for client in clients.values { client.cancel() }
        }
    }
}
