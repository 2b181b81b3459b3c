import Control
import Foundation
import Testing
@testable import Signaling
import Topology

/// `GET /v1/rooms/{room}` and `GET /v1/bridges`: the cascade as operators see it.
struct RoomInfoTests {
    @Test func treeEdgesCarryTheirRTTAndTheRoomsRatesPerDirection() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        let t0 = ContinuousClock.now
        let fra = bridges["fra-1"]!
        // A live RTT measured before the plan overrides the declared 88 ms.
        await fra.report(BridgeStats(links: [LinkStats(peer: "iad-1", up: true, rttMs: 70)],
                                     cascade: [ConferenceLinkStats(conference: "r", peer: "iad-1", packetsIn: 0, packetsOut: 100,
                                                                   bytesIn: 0, bytesOut: 10_000)]),
                         to: controller, at: t0)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "eu"), peer: nil)
        var info = try await controller.roomInfo("r")
        #expect(info.tree.isEmpty && info.strategy == "tree" && info.bridges == ["fra-1"])
        _ = try await controller.join(room: "r", request: JoinRequest(name: "bob", region: "us"), peer: nil)
        await fra.report(BridgeStats(links: [LinkStats(peer: "iad-1", up: true, rttMs: 72)],
                                     cascade: [ConferenceLinkStats(conference: "r", peer: "iad-1", packetsIn: 100, packetsOut: 300,
                                                                   bytesIn: 20_000, bytesOut: 50_000),
                                               ConferenceLinkStats(conference: "other", peer: "iad-1", packetsOut: 9_999)]),
                         to: controller, at: t0 + .seconds(2))
        info = try await controller.roomInfo("r")
        #expect(info.participants.map(\.bridge) == ["fra-1", "iad-1"] && info.bridges == ["fra-1", "iad-1"])
        let edge = try #require(info.tree.first)
        #expect(info.tree.count == 1 && edge.a == "fra-1" && edge.b == "iad-1" && edge.rttMs == 70)
        // fra-1 sent 200 packets / 40,000 bytes in 2 s.
        #expect(edge.aToB == RoomInfo.Rate(packetsPerSecond: 100, bitsPerSecond: 160_000))
        // iad-1 reported nothing: fra-1's receive counters stand in.
        #expect(edge.bToA == RoomInfo.Rate(packetsPerSecond: 50, bitsPerSecond: 80_000))
    }

    @Test func ratesAreZeroUntilTwoReportsAndAfterACounterReset() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        _ = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "eu"), peer: nil)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "bob", region: "ap"), peer: nil)
        #expect(try await controller.roomInfo("r").tree.first?.aToB == .zero)
        let t0 = ContinuousClock.now
        let sin = bridges["sin-1"]!
        await sin.report(BridgeStats(cascade: [ConferenceLinkStats(conference: "r", peer: "fra-1", packetsOut: 500)]),
                         to: controller, at: t0)
        await sin.report(BridgeStats(cascade: [ConferenceLinkStats(conference: "r", peer: "fra-1", packetsOut: 10)]),
                         to: controller, at: t0 + .seconds(1))
        let edge = try #require(try await controller.roomInfo("r").tree.first)
        #expect(edge.a == "fra-1" && edge.b == "sin-1" && edge.bToA == .zero)
    }

    @Test func roomInfoEncodesTheContractFields() async throws {
        let (controller, _) = try await ControllerFixture.make(topology: ControllerFixture.world())
        _ = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "eu"), peer: nil)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "bob", region: "us"), peer: nil)
        let json = String(decoding: try JSONEncoder().encode(try await controller.roomInfo("r")), as: UTF8.self)
        for field in ["\"strategy\":\"tree\"", "\"a\":\"fra-1\"", "\"b\":\"iad-1\"", "\"rttMs\":88", "\"aToB\":{",
                      "\"bToA\":{", "\"packetsPerSecond\":0", "\"bitsPerSecond\":0", "\"participants\":[", "\"bridges\":["] {
            #expect(json.contains(field), "missing \(field) in \(json)")
        }
    }

    @Test func aLinkPlannedAsDownShowsNoRTTNotThePlannersPenalty() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        _ = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "eu"), peer: nil)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "bob", region: "us"), peer: nil)
        // Two bridges have no other way: the plan keeps the broken link.
        await bridges["iad-1"]!.send(.link(LinkEvent(peer: "fra-1", state: .down)), to: controller)
        var edge = try #require(try await controller.roomInfo("r").tree.first)
        #expect(edge.a == "fra-1" && edge.b == "iad-1" && edge.rttMs == nil)
        let json = String(decoding: try JSONEncoder().encode(try await controller.roomInfo("r")), as: UTF8.self)
        #expect(json.contains("\"rttMs\":null"), "\(json)")
        // Up again with a measured round trip: that is what shows.
        await bridges["iad-1"]!.send(.link(LinkEvent(peer: "fra-1", state: .up, rttMs: 91)), to: controller)
        edge = try #require(try await controller.roomInfo("r").tree.first)
        #expect(edge.rttMs == 91)
    }

    @Test func bridgeInfoListsTheLinksOfTheLastReport() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        await bridges["fra-1"]!.report(BridgeStats(links: [LinkStats(peer: "iad-1", up: true, rttMs: 88.5),
                                                           LinkStats(peer: "sin-1", up: false, rttMs: nil)]),
                                       to: controller)
        let infos = await controller.registry.infos()
        #expect(infos.first { $0.id == "fra-1" }?.links == [.init(peer: "iad-1", up: true, rttMs: 88.5),
                                                             .init(peer: "sin-1", up: false, rttMs: nil)])
        #expect(infos.first { $0.id == "iad-1" }?.links == [])
    }
}
