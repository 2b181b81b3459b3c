import Control
import Testing
@testable import Signaling
import Topology

/// Rooms spanning bridges: which bridge each participant lands on, and the
/// cascade commands every bridge of the room holds as people come and go,
/// links fail and bridges die. Bridges are `SimulatedBridge`s over real links.
struct CascadeControllerTests {
    typealias Edge = Control.CascadeEdge

    static func join(_ controller: Controller, _ name: String, _ region: String?, room: String = "r") async throws -> JoinResponse {
        try await controller.join(room: room, request: JoinRequest(name: name, region: region), peer: nil)
    }

    /// `participant` as a bridge relays it from `bridge`, under the SSRCs
    /// announced for it at its join.
    static func relayed(_ participant: JoinResponse, from bridge: String, _ controller: Controller,
                        room: String = "r") async throws -> RemoteEndpoint {
        let announced = try #require(await controller.rooms[room]?.participants[participant.id]).announced
        return RemoteEndpoint(endpoint: participant.id, bridge: bridge, audioSSRC: announced.audio,
                              videoSSRC: announced.video)
    }

    /// The SSRC that `offer` announces for `participant`'s `kind` track.
    static func announced(in offer: String, participant: String, kind: String) throws -> UInt32? {
        let document = try SDPDocument(parsing: offer)
        let media = document.media.first { $0.attribute("msid") == "\(participant) \(participant)-\(kind)" }
        return media?.attribute("ssrc").flatMap { UInt32($0.split(separator: " ")[0]) }
    }

    /// alice (eu → fra-1), bob (us → iad-1), carol (ap → sin-1).
    static func threeRegions(_ topology: Topology = ControllerFixture.world()) async throws
        -> (Controller, [String: SimulatedBridge], [JoinResponse]) {
        let (controller, bridges) = try await ControllerFixture.make(topology: topology)
        var joined: [JoinResponse] = []
        for (name, region) in [("alice", "eu"), ("bob", "us"), ("carol", "ap")] {
            joined.append(try await join(controller, name, region))
        }
        return (controller, bridges, joined)
    }

    static let tree = [Edge("fra-1", "iad-1"), Edge("fra-1", "sin-1")]

    @Test func participantsOfOneRegionShareTheRoomsBridgeThere() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        let alice = try await Self.join(controller, "alice", "eu")
        // fra-2 is now less loaded than fra-1 in this room's eyes, but the room is on fra-1.
        await bridges["fra-1"]!.report(BridgeStats(endpoints: 9), to: controller)
        let bob = try await Self.join(controller, "bob", "eu")
        #expect(alice.bridge == "fra-1" && bob.bridge == "fra-1")
        // Another room takes the least loaded bridge of the region.
        let dave = try await Self.join(controller, "dave", "eu", room: "other")
        #expect(dave.bridge == "fra-2")
        // No region: the default region's bridge, as before.
        let erin = try await Self.join(controller, "erin", nil)
        #expect(erin.bridge == "fra-1" && erin.regionSource == "default")
        #expect(bridges.values.allSatisfy { $0.cascades(for: "r").isEmpty }, "a one-bridge room gets no cascade")
    }

    @Test func threeRegionsGetTheTreeAndEachOthersParticipants() async throws {
        let (controller, bridges, joined) = try await Self.threeRegions()
        #expect(joined.map(\.bridge) == ["fra-1", "iad-1", "sin-1"])
        let alice = try await Self.relayed(joined[0], from: "fra-1", controller)
        let bob = try await Self.relayed(joined[1], from: "iad-1", controller)
        let carol = try await Self.relayed(joined[2], from: "sin-1", controller)
        let expected = ["fra-1": [bob, carol], "iad-1": [alice, carol], "sin-1": [alice, bob]]
        for (id, remote) in expected {
            let command = try #require(bridges[id]!.cascade(for: "r"), "\(id) got no cascade command")
            #expect(command.links == Self.tree, "\(id) holds the planned tree")
            #expect(command.remote == remote, "\(id)")
        }
        // The SSRCs relayed are the ones the offers announce.
        let onSin = try #require(bridges["sin-1"]!.cascade(for: "r")).remote
        let bobOnSin = try #require(onSin.first { $0.endpoint == joined[1].id })
        #expect(bobOnSin.bridge == "iad-1")
        #expect(try Self.announced(in: joined[2].offer, participant: bobOnSin.endpoint, kind: "audio") == bobOnSin.audioSSRC)
        #expect(try Self.announced(in: joined[2].offer, participant: bobOnSin.endpoint, kind: "video") == bobOnSin.videoSSRC)
        #expect(bridges["fra-2"]!.received.isEmpty)
    }

    @Test func onJoinTheBridgeAllocatesBeforeTheCascadeSpreads() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        let alice = try await Self.join(controller, "alice", "eu")
        #expect(bridges["fra-1"]!.received.count == 1, "alone on one bridge: allocate only")
        let bob = try await Self.join(controller, "bob", "us")
        guard case .allocate(let allocate) = bridges["iad-1"]!.received.first else { Issue.record("no allocate"); return }
        #expect(allocate.endpoint == bob.id)
        guard case .cascade(let cascade) = bridges["iad-1"]!.received.last else { Issue.record("no cascade"); return }
        #expect(cascade.links == [Edge("fra-1", "iad-1")] && cascade.remote.map(\.endpoint) == [alice.id])
        #expect(bridges["fra-1"]!.cascade(for: "r")?.remote.map(\.endpoint) == [bob.id])
    }

    @Test func leavingUpdatesRemoteListsAndClearsAnEmptiedBridge() async throws {
        let (controller, bridges, joined) = try await Self.threeRegions()
        try await controller.leave(room: "r", participant: joined[2].id)
        #expect(bridges["sin-1"]!.cascade(for: "r") == .init(conference: "r", links: [], remote: []))
        let alice = try await Self.relayed(joined[0], from: "fra-1", controller)
        let bob = try await Self.relayed(joined[1], from: "iad-1", controller)
        for (id, remote) in ["fra-1": [bob], "iad-1": [alice]] {
            let command = try #require(bridges[id]!.cascade(for: "r"))
            #expect(command.links == [Edge("fra-1", "iad-1")])
            #expect(command.remote == remote, "\(id)")
            #expect(!command.remote.contains { $0.endpoint == joined[2].id })
        }
        let sinCount = bridges["sin-1"]!.cascades(for: "r").count
        try await controller.leave(room: "r", participant: joined[1].id)
        // Down to one bridge: both get the clearing command, once.
        #expect(bridges["fra-1"]!.cascade(for: "r") == .init(conference: "r", links: [], remote: []))
        #expect(bridges["iad-1"]!.cascade(for: "r") == .init(conference: "r", links: [], remote: []))
        #expect(bridges["sin-1"]!.cascades(for: "r").count == sinCount, "a cleared bridge is not told again")
        let fraCount = bridges["fra-1"]!.cascades(for: "r").count
        _ = try await Self.join(controller, "dave", "eu")
        #expect(bridges["fra-1"]!.cascades(for: "r").count == fraCount, "one-bridge rooms get no more commands")
    }

    @Test func aLinkReportedDownIsPlannedAroundUntilItIsUpAgain() async throws {
        let (controller, bridges, _) = try await Self.threeRegions()
        await bridges["sin-1"]!.send(.link(LinkEvent(peer: "fra-1", state: .down)), to: controller)
        let detour = [Edge("fra-1", "iad-1"), Edge("iad-1", "sin-1")]
        for id in ["fra-1", "iad-1", "sin-1"] { #expect(bridges[id]!.cascade(for: "r")?.links == detour) }
        // The other end saying so too changes nothing.
        let count = bridges["fra-1"]!.cascades(for: "r").count
        await bridges["fra-1"]!.send(.link(LinkEvent(peer: "sin-1", state: .down)), to: controller)
        #expect(bridges["fra-1"]!.cascades(for: "r").count == count)
        let info = try await controller.roomInfo("r")
        #expect(info.tree.map { Edge($0.a, $0.b) } == detour)
        await bridges["fra-1"]!.send(.link(LinkEvent(peer: "sin-1", state: .up, rttMs: 150)), to: controller)
        for id in ["fra-1", "iad-1", "sin-1"] { #expect(bridges[id]!.cascade(for: "r")?.links == Self.tree) }
        #expect(try await controller.roomInfo("r").tree.first { $0.b == "sin-1" }?.rttMs == 150)
    }

    @Test func linkEventsNamingUnknownBridgesAreIgnored() async throws {
        let (controller, bridges, _) = try await Self.threeRegions()
        let before = bridges.mapValues { $0.received.count }
        for peer in ["mars-9", "", "fra-1"] {
            await bridges["fra-1"]!.send(.link(LinkEvent(peer: peer, state: .down, rttMs: -.infinity)), to: controller)
        }
        await bridges["fra-1"]!.send(.link(LinkEvent(peer: "fra-2", state: .down)), to: controller)  // not in the room
        #expect(bridges.mapValues { $0.received.count } == before)
        #expect(try await controller.roomInfo("r").tree.map { Edge($0.a, $0.b) } == Self.tree)
    }

    @Test func aDisconnectedBridgeIsLeftOutItsParticipantMovesAndItGetsNobodyBack() async throws {
        let (controller, bridges, joined) = try await Self.threeRegions()
        let sinCount = bridges["sin-1"]!.received.count
        await controller.bridgeDisconnected(bridges["sin-1"]!.link)
        // carol (ap) moved to the nearest region's bridge of the room: fra-1.
        #expect(await controller.rooms["r"]?.participants[joined[2].id]?.bridge == "fra-1")
        let alice = try await Self.relayed(joined[0], from: "fra-1", controller)
        let bob = try await Self.relayed(joined[1], from: "iad-1", controller)
        let carol = try await Self.relayed(joined[2], from: "fra-1", controller)
        for (id, remote) in ["fra-1": [bob], "iad-1": [alice, carol]] {
            let command = try #require(bridges[id]!.cascade(for: "r"))
            #expect(command.links == [Edge("fra-1", "iad-1")])
            #expect(command.remote == remote, "\(id)")
        }
        #expect(bridges["iad-1"]!.cascade(for: "r")?.remote.first { $0.endpoint == joined[2].id }?.bridge == "fra-1")
        #expect(bridges["sin-1"]!.received.count == sinCount, "nothing is sent down a closed channel")
        #expect(await controller.registry.infos().first { $0.id == "sin-1" }?.state == "down")

        // Back again: it is told to drop the room's links, and holds nobody.
        let again = SimulatedBridge(id: "sin-1", region: "ap")
        try await controller.registry.connect(again.link)
        await controller.bridgeConnected("sin-1")
        #expect(again.received == [.cascade(.init(conference: "r", links: [], remote: []))])
        #expect(await controller.rooms["r"]?.bridges == ["fra-1", "iad-1"])
    }

    @Test func aBridgeThatMissedItsClearingCommandGetsItWhenItReturns() async throws {
        let (controller, bridges, joined) = try await Self.threeRegions()
        await controller.bridgeDisconnected(bridges["sin-1"]!.link)
        try await controller.leave(room: "r", participant: joined[2].id)
        let again = SimulatedBridge(id: "sin-1", region: "ap")
        try await controller.registry.connect(again.link)
        await controller.bridgeConnected("sin-1")
        #expect(again.received == [.cascade(.init(conference: "r", links: [], remote: []))])
        // Told once: it holds nothing for the room any more.
        await controller.bridgeDisconnected(again.link)
        let third = SimulatedBridge(id: "sin-1", region: "ap")
        try await controller.registry.connect(third.link)
        await controller.bridgeConnected("sin-1")
        #expect(third.received.isEmpty)
    }

    @Test func aBridgeThatWentSilentIsLeftOutAndItsParticipantMovedAtTheNextCheck() async throws {
        let (controller, bridges, joined) = try await Self.threeRegions()
        await controller.checkBridges()  // the baseline: all up
        let count = bridges["fra-1"]!.cascades(for: "r").count
        // Its last report is older than the registry's silence limit.
        await bridges["sin-1"]!.report(BridgeStats(), to: controller, at: .now - .seconds(7200))
        await controller.checkBridges()
        #expect(bridges["fra-1"]!.cascades(for: "r").count == count + 1)
        #expect(bridges["fra-1"]!.cascade(for: "r")?.links == [Edge("fra-1", "iad-1")])
        // carol moved to fra-1 (ap's nearest region with a bridge of the room).
        #expect(bridges["iad-1"]!.cascade(for: "r")?.remote.map(\.endpoint) == [joined[0].id, joined[2].id])
        #expect(bridges["iad-1"]!.cascade(for: "r")?.remote.last?.bridge == "fra-1")
        await controller.checkBridges()
        #expect(bridges["fra-1"]!.cascades(for: "r").count == count + 1, "no change, no replan")
    }

    @Test func singleKeepsEveryoneOnOneBridgeWithoutLinks() async throws {
        let (_, bridges, joined) = try await Self.threeRegions(ControllerFixture.world(strategy: "single"))
        #expect(joined.map(\.bridge) == ["fra-1", "fra-1", "fra-1"])
        #expect(bridges.values.allSatisfy { $0.cascades(for: "r").isEmpty })
    }

    @Test func meshLinksEveryPair() async throws {
        let (_, bridges, _) = try await Self.threeRegions(ControllerFixture.world(strategy: "mesh"))
        let mesh = [Edge("fra-1", "iad-1"), Edge("fra-1", "sin-1"), Edge("iad-1", "sin-1")]
        for id in ["fra-1", "iad-1", "sin-1"] { #expect(bridges[id]!.cascade(for: "r")?.links == mesh) }
    }

    @Test func concurrentJoinsAndLeavesConvergeOnTheFinalState() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: ControllerFixture.world())
        let regions = ["eu", "us", "ap", "us", "eu", "ap", "us", "ap"]
        let joined = try await withThrowingTaskGroup(of: (Int, JoinResponse).self) { group in
            for (index, region) in regions.enumerated() {
                group.addTask { (index, try await Self.join(controller, "p\(index)", region)) }
            }
            return try await group.reduce(into: [Int: JoinResponse]()) { $0[$1.0] = $1.1 }
        }
        // One of each region leaves; every region keeps someone.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                let gone = joined[index]!.id
                group.addTask { try await controller.leave(room: "r", participant: gone) }
            }
            try await group.waitForAll()
        }
        let used = Set((await controller.rooms["r"]?.bridges) ?? [])
        #expect(used == ["fra-1", "iad-1", "sin-1"])
        // Who stayed, in the room's join order (the joins raced, so that
        // order is the room's), each on its region's bridge.
        let bridgeOf = ["eu": "fra-1", "us": "iad-1", "ap": "sin-1"]
        let order = try #require(await controller.rooms["r"]).ordered.map(\.id)
        let stayed = (3..<regions.count).sorted {
            (order.firstIndex(of: joined[$0]!.id) ?? -1) < (order.firstIndex(of: joined[$1]!.id) ?? -1)
        }
        for id in used {
            var remote: [RemoteEndpoint] = []
            for index in stayed where bridgeOf[regions[index]] != id {
                remote.append(try await Self.relayed(joined[index]!, from: bridgeOf[regions[index]]!, controller))
            }
            let command = try #require(bridges[id]!.cascade(for: "r"))
            #expect(command.links == Self.tree)
            #expect(command.remote == remote, "\(id)")
        }
    }
}
