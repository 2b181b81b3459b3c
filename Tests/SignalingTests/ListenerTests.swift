import Logging
@testable import Signaling
import Testing
import Topology

/// The client API, the control channel and `/metrics` on the listeners the
/// topology names (issue 6), each serving only its own routes.
struct ListenerTests {
    static func address(_ text: String) -> SocketAddress {
        try! SocketAddress.parse(text, allowingPortZero: true).get()
    }

    @Test func equalAddressesShareOneListener() {
        let a = Self.address("127.0.0.1:8080"), b = Self.address("127.0.0.1:8081"), c = Self.address("127.0.0.1:9090")
        #expect(SignalServer.listeners(client: a, control: a, metrics: a)
                == [.init(address: a, roles: [.client, .control, .metrics])])
        #expect(SignalServer.listeners(client: a, control: b, metrics: a)
                == [.init(address: a, roles: [.client, .metrics]), .init(address: b, roles: [.control])])
        #expect(SignalServer.listeners(client: a, control: b, metrics: c)
                == [.init(address: a, roles: [.client]), .init(address: b, roles: [.control]),
                    .init(address: c, roles: [.metrics])])
    }

    @Test func eachListenerServesOnlyItsOwnRoutes() async throws {
        let topology = ControllerFixture.world()
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology, silenceLimit: .seconds(3600)))
        let live = LiveListeners()
        // Three loopback addresses with free ports: three separate listeners.
        let listeners = SignalServer.listeners(client: Self.address("127.0.0.2:0"), control: Self.address("127.0.0.1:0"),
                                               metrics: Self.address("127.0.0.3:0"))
        #expect(listeners.count == 3)
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: listeners,
            options: .init(clusterSecret: ControlChannelTests.clusterSecret), logger: Logger(label: "test.listeners")
        ) { listener, port in await live.bound(listener, port: port) }
        try await LiveListeners.serving(apps) {
            #expect(try await live.send(.client, .get, "/v1/bridges").status == 200)
            #expect(try await live.send(.client, .get, "/metrics").status == 404)
            let metrics = try await live.send(.metrics, .get, "/metrics")
            #expect(metrics.status == 200)
            #expect(Exposition(text: metrics.body).value(#"meridian_controller_bridges{state="down"}"#) == 4)
            #expect(try await live.send(.metrics, .get, "/v1/bridges").status == 404)
            #expect(try await live.send(.metrics, .get, "/health").status == 200)
            #expect(try await live.send(.control, .get, "/v1/bridges").status == 404)

            // A bridge dialing the client listener's control path is not upgraded…
            let client = try await live.address(.client)
            let lost = ControlChannelTests.WireBridge(id: "fra-1", region: "eu")
            await #expect(throws: (any Error).self) { try await lost.run(host: client.host, port: client.port) }
            // …while the control listener takes it.
            let control = try await live.address(.control)
            let bridge = ControlChannelTests.WireBridge(id: "fra-1", region: "eu")
            let task = Task { try await bridge.run(host: control.host, port: control.port) }
            defer { task.cancel() }
            #expect(await ControlChannelTests.eventually { await controller.registry.upBridges() == ["fra-1"] })
        }
    }
}
