import Foundation
import HTTPTypes
import Logging
@testable import Signaling
import Testing
import Topology

/// Room tokens and trusted proxies through the real join route on a real
/// listener: what a client sees (status and `{"error"}`), that a refused join
/// never reaches the controller, and which address decides the region.
struct JoinAccessRouteTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// A controller over `topology` with simulated bridges, served on one
    /// listener on 127.0.0.1, with `verifier` checking joins.
    static func serve<T: Sendable>(_ topology: Topology = ControllerFixture.topology,
                                   verifier: RoomTokenVerifier? = nil,
                                   _ body: @Sendable (LiveListeners, Controller, JoinCounter) async throws -> T) async throws -> T {
        let (controller, _) = try await ControllerFixture.make(topology: topology)
        let live = LiveListeners()
        let joins = JoinCounter()
        let listener = try SignalServer.Listener.allRolesOnLoopback()
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: [listener],
            options: .init(clusterSecret: Array("cluster secret for tests".utf8), verifier: verifier, joins: joins),
            logger: Logger(label: "test.access")
        ) { listener, port in await live.bound(listener, port: port) }
        return try await LiveListeners.serving(apps) { try await body(live, controller, joins) }
    }

    static func join(_ live: LiveListeners, room: String = "standup", token: String? = nil,
                     region: String? = nil, forwardedFor: String? = nil) async throws -> LiveListeners.Reply {
        var fields: [String: String] = ["name": "alice"]
        fields["token"] = token
        fields["region"] = region
        let json = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        var headers = HTTPFields()
        if let forwardedFor { headers[Self.forwardedFor] = forwardedFor }
        return try await live.send(.client, .post, "/v1/rooms/\(room)/participants", headers: headers, json: json)
    }

    static func error(_ reply: LiveListeners.Reply) -> String? {
        (try? JSONDecoder().decode([String: String].self, from: Data(reply.body.utf8)))?["error"]
    }

    @Test func joinsAreRefusedOrAdmittedByTheirToken() async throws {
        let verifier = await RoomTokenTests.verifier()
        try await Self.serve(verifier: verifier) { live, controller, joins in
            let missing = try await Self.join(live)
            #expect(missing.status == 401)
            #expect(Self.error(missing)?.contains("needs a token") == true)

            let expired = try await Self.join(live, token: try await RoomTokenTests.token(expiresIn: -1))
            #expect(expired.status == 401)
            #expect(Self.error(expired) == "the token has expired")

            let wrongRoom = try await Self.join(live, token: try await RoomTokenTests.token(room: "retro"))
            #expect(wrongRoom.status == 403)
            #expect(Self.error(wrongRoom) == "the token is for another room")

            let forged = try await Self.join(live, token: try await RoomTokenTests.token(
                key: .secret(Array("a forger's secret that is long enough too".utf8))))
            #expect(forged.status == 401)
            #expect(Self.error(forged) == "the token's signature is not valid")

            let malformed = try await Self.join(live, token: "not-a-jwt")
            #expect(malformed.status == 401)

            // None of these reached the controller.
            #expect(await controller.occupancy().rooms == 0)

            let admitted = try await Self.join(live, token: try await RoomTokenTests.token(name: "Alice Liddell"))
            #expect(admitted.status == 201)
            let response = try JSONDecoder().decode(JoinResponse.self, from: Data(admitted.body.utf8))
            // The token's name wins over the body's.
            #expect(try await controller.roomInfo("standup").participants.map(\.name) == ["Alice Liddell"])
            #expect(response.bridge == "fra-1")
            #expect(joins.refusals == [401: 4, 403: 1])
            // And as /metrics shows them.
            let metrics = try await MetricsScrapeTests.scrape(live)
            #expect(metrics.declares("meridian_controller_join_refusals_total", type: "counter"))
            #expect(metrics.value(#"meridian_controller_join_refusals_total{status="401"}"#) == 4)
            #expect(metrics.value(#"meridian_controller_join_refusals_total{status="403"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_joins_total{region_source="default"}"#) == 1)
        }
    }

    @Test func withoutAuthSettingsATokenIsNotNeeded() async throws {
        try await Self.serve { live, _, _ in
            let reply = try await Self.join(live)
            #expect(reply.status == 201)
        }
    }

    /// 192.0.2.0/24 is region `eu` in the fixture; the default region is
    /// also `eu`, so the region *source* tells which address was used.
    static func topology(trusting proxies: [String]) throws -> Topology {
        var topology = ControllerFixture.topology
        topology.signaling.trustedProxies = try proxies.map { try CIDR.parse($0).get() }
        return topology
    }

    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() async throws {
        try await Self.serve(try Self.topology(trusting: ["127.0.0.0/8"])) { live, _, _ in
            let reply = try await Self.join(live, forwardedFor: "192.0.2.7")
            let response = try JSONDecoder().decode(JoinResponse.self, from: Data(reply.body.utf8))
            #expect(response.regionSource == "address")
            #expect(response.region == "eu")
        }
        try await Self.serve(try Self.topology(trusting: ["198.51.100.0/24"])) { live, _, _ in
            // The peer (127.0.0.1) is no trusted proxy: its header is ignored.
            let reply = try await Self.join(live, forwardedFor: "192.0.2.7")
            let response = try JSONDecoder().decode(JoinResponse.self, from: Data(reply.body.utf8))
            #expect(response.regionSource == "default")
        }
    }

    /// A topology edit that starts trusting the proxy applies to the next
    /// join through the route, with the clients prefixes of that same version.
    @Test func aReloadThatTrustsTheProxyAppliesToTheNextJoin() async throws {
        try await Self.serve { live, controller, _ in
            let before = try await Self.join(live, forwardedFor: "192.0.2.7")
            #expect(before.status == 201)
            #expect(try JSONDecoder().decode(JoinResponse.self, from: Data(before.body.utf8)).regionSource == "default")

            let trusting = try Self.topology(trusting: ["127.0.0.0/8"])
            #expect(trusting.regions.contains { $0.name == "eu" && !$0.clients.isEmpty })
            await controller.apply(topology: trusting)
            let after = try await Self.join(live, forwardedFor: "192.0.2.7")
            #expect(after.status == 201)
            let response = try JSONDecoder().decode(JoinResponse.self, from: Data(after.body.utf8))
            #expect(response.regionSource == "address" && response.region == "eu")
        }
    }
}
