import Control
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
@testable import Signaling
import Topology

/// `POST`/`DELETE /v1/bridges/{id}/drain` through the real router and
/// listener: authenticated with the bridge's derived secret; a drained
/// bridge shows as `draining` and takes no new participants, the ones on it
/// stay; undraining one the topology drains or removed is refused with why.
struct DrainRouteTests {
    static func request(_ method: String, _ url: String, secret: String?) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let secret { request.setValue(secret, forHTTPHeaderField: ControlProtocol.secretHeader) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func drainAndUndrainOverHTTP() async throws {
        var topology = ControllerFixture.world()
        topology.bridges[3].drain = true  // sin-1 drains by topology
        let (controller, _) = try await ControllerFixture.make(topology: topology)
        let alice = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "eu"), peer: nil)
        #expect(alice.bridge == "fra-1")
        let port = ControlChannelTests.Port()
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: [try SignalServer.Listener.allRolesOnLoopback()],
            options: .init(clusterSecret: ControlChannelTests.clusterSecret), logger: Logger(label: "test.drain")
        ) { _, bound in await port.set(bound) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { try await app.runService() } }
            defer { group.cancelAll() }
            #expect(await ControlChannelTests.eventually { await port.get() != nil })
            let base = "http://127.0.0.1:\(await port.get() ?? 0)"
            func secret(_ id: String) -> String { BridgeSecret.derive(clusterSecret: ControlChannelTests.clusterSecret, bridge: id) }

            var (status, body) = try await Self.request("POST", "\(base)/v1/bridges/fra-1/drain", secret: nil)
            #expect(status == 401 && body.contains("\"error\""))
            (status, body) = try await Self.request("POST", "\(base)/v1/bridges/fra-1/drain", secret: secret("fra-2"))
            #expect(status == 401, "another bridge's secret does not drain fra-1")
            (status, body) = try await Self.request("POST", "\(base)/v1/bridges/mars-1/drain", secret: secret("mars-1"))
            #expect(status == 404 && body.contains("mars-1"))
            (status, _) = try await Self.request("POST", "\(base)/v1/bridges/fra-1/drain", secret: secret("fra-1"))
            #expect(status == 204)
            #expect(await controller.registry.infos().first { $0.id == "fra-1" }?.state == "draining")

            // Alice stays; a newcomer of her room and region goes to fra-2.
            let bob = try await controller.join(room: "r", request: JoinRequest(name: "bob", region: "eu"), peer: nil)
            #expect(bob.bridge == "fra-2" && bob.selection == "region")
            #expect(await controller.rooms["r"]?.participants[alice.id]?.bridge == "fra-1")

            (status, _) = try await Self.request("DELETE", "\(base)/v1/bridges/fra-1/drain", secret: secret("fra-1"))
            #expect(status == 204)
            #expect(await controller.registry.infos().first { $0.id == "fra-1" }?.state == "up")
            (status, body) = try await Self.request("DELETE", "\(base)/v1/bridges/sin-1/drain", secret: secret("sin-1"))
            #expect(status == 409 && body.contains("drain: true in the topology"))
            #expect(await controller.registry.infos().first { $0.id == "sin-1" }?.state == "draining")

            // iad-1 removed from the topology while connected: it drains, yet
            // its topology entry is left as it was (not `drain: true`), and
            // undraining it says why it cannot be.
            var without = topology
            without.bridges.removeAll { $0.id == "iad-1" }
            await controller.apply(topology: without)
            #expect(await controller.registry.infos().first { $0.id == "iad-1" }?.state == "draining")
            #expect(await controller.registry.bridge("iad-1")?.drain == false)
            (status, body) = try await Self.request("DELETE", "\(base)/v1/bridges/iad-1/drain", secret: secret("iad-1"))
            #expect(status == 409 && body.contains("removed from the topology") && !body.contains("drain: true"), "\(body)")
            #expect(await controller.registry.infos().first { $0.id == "iad-1" }?.state == "draining")
        }
    }
}
