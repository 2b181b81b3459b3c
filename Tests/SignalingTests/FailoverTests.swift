import Control
import Synchronization
import Testing
@testable import Signaling
import Topology

/// A bridge dies: its participants get an offer moving them to the next best
/// bridge (same m-lines, the new bridge's transport), the new bridge gets
/// allocate and then update, the cascade says where they are now, and the
/// others are not renegotiated. With nowhere to go, a participant is removed.
struct FailoverTests {
    typealias Edge = Control.CascadeEdge

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A controller over `topology` with simulated bridges and a captured log.
    static func make(_ topology: Topology = ControllerFixture.world())
        async throws -> (Controller, [String: SimulatedBridge], Lines) {
        let lines = Lines()
        let (controller, bridges) = try await ControllerFixture.make(topology: topology) { lines.append($0) }
        return (controller, bridges, lines)
    }

    /// Joins and answers, so every participant has an update on its bridge.
    static func joinAndAnswer(_ controller: Controller, _ name: String, _ region: String) async throws -> JoinResponse {
        let joined = try await controller.join(room: "r", request: JoinRequest(name: name, region: region), peer: nil)
        try await answerLatest(controller, joined.id)
        return joined
    }

    static func answerLatest(_ controller: Controller, _ id: String) async throws {
        let participant = try #require(await controller.rooms["r"]?.participants[id])
        let offer = try #require(participant.offer)
        try await controller.answer(room: "r", participant: id, sdp: SDPFixtures.answer(to: offer), revision: participant.revision)
    }

    /// Every media line's lines that do not describe the transport.
    static func mediaWithoutTransport(_ sdp: String) throws -> [[String]] {
        let transport = ["a=ice-ufrag:", "a=ice-pwd:", "a=candidate:", "a=fingerprint:", "a=end-of-candidates"]
        return try SDPDocument(parsing: sdp).media.map { media in
            [media.kind, media.formats.joined(separator: " ")] + media.lines.map { "\($0.type)=\($0.value)" }
                .filter { line in !transport.contains { line.hasPrefix($0) } }
        }
    }

    @Test func aDeadBridgesParticipantIsOfferedTheNextBestBridgeAndItsAnswerReachesIt() async throws {
        let (controller, bridges, log) = try await Self.make()
        let alice = try await Self.joinAndAnswer(controller, "alice", "eu")
        let bob = try await Self.joinAndAnswer(controller, "bob", "us")
        let carol = try await Self.joinAndAnswer(controller, "carol", "ap")
        try await Self.answerLatest(controller, alice.id)
        try await Self.answerLatest(controller, bob.id)
        #expect([alice.bridge, bob.bridge, carol.bridge] == ["fra-1", "iad-1", "sin-1"])
        let before = try #require(await controller.rooms["r"]?.participants[alice.id])
        let othersBefore = await controller.rooms["r"]!.ordered.filter { $0.id != alice.id }.map(\.revision)
        var events = try await controller.subscribe(room: "r", participant: alice.id).makeAsyncIterator()
        _ = await events.next()  // the participants list

        await controller.bridgeDisconnected(bridges["fra-1"]!.link)

        // A new endpoint on fra-2 (the other eu bridge), with new credentials.
        let allocate = try #require(bridges["fra-2"]!.allocations(for: alice.id).first)
        #expect(allocate.iceUfrag != before.iceUfrag && allocate.icePwd != before.icePwd)
        // Alice's offer: revision + 1, fra-2's transport, the same m-lines otherwise.
        let frame = try #require(await events.next())
        #expect(frame.type == "offer" && frame.revision == before.revision + 1)
        let offer = try SDPDocument(parsing: try #require(frame.sdp))
        #expect(offer.media.allSatisfy { $0.attribute("ice-ufrag") == allocate.iceUfrag && $0.attribute("ice-pwd") == allocate.icePwd })
        #expect(offer.media.allSatisfy { $0.attribute("candidate")?.contains("127.0.0.1 10002 typ host") == true })
        #expect(try Self.mediaWithoutTransport(frame.sdp!) == Self.mediaWithoutTransport(before.offer!.text))
        // Nobody else was renegotiated: alice's announced SSRCs did not change.
        #expect(await controller.rooms["r"]!.ordered.filter { $0.id != alice.id }.map(\.revision) == othersBefore)
        #expect(await controller.rooms["r"]?.participants[alice.id]?.announced == before.announced)

        // The cascade follows: alice is relayed from fra-2 now.
        let tree = Set(await controller.rooms["r"]!.bridges)
        #expect(tree == ["fra-2", "iad-1", "sin-1"])
        for id in ["iad-1", "sin-1"] {
            let remote = try #require(bridges[id]!.cascade(for: "r")).remote
            #expect(remote.first { $0.endpoint == alice.id }?.bridge == "fra-2")
            #expect(remote.first { $0.endpoint == alice.id }?.audioSSRC == before.announced.audio)
        }
        #expect(bridges["fra-2"]!.cascade(for: "r")?.remote.map(\.endpoint).sorted() == [bob.id, carol.id].sorted())
        #expect(bridges["fra-2"]!.cascade(for: "r")?.links.isEmpty == false)

        // The answer to the move goes to fra-2; the old revision is refused.
        let stale = SDPFixtures.answer(to: before.offer!)
        await #expect(throws: APIError.self) {
            try await controller.answer(room: "r", participant: alice.id, sdp: stale, revision: before.revision)
        }
        try await controller.answer(room: "r", participant: alice.id, sdp: SDPFixtures.answer(to: offer),
                                    revision: before.revision + 1)
        let update = try #require(bridges["fra-2"]!.updates(for: alice.id).last)
        #expect(update.sends.map(\.announcedSSRC) == [before.announced.audio, before.announced.video])
        let others = await controller.rooms["r"]!.ordered.filter { $0.id != alice.id }
        #expect(Set(update.receives) == Set(others.flatMap { [$0.announced.audio, $0.announced.video] }),
                "bob's and carol's audio and video")
        #expect(log.all.contains { $0.hasPrefix("move  r/\(alice.id) alice bridge fra-1 → fra-2 (region)") }, "\(log.all)")
        #expect(await controller.selectionCounts()["region"] == 4)
    }

    @Test func aSilentBridgesParticipantsMoveToTheNearestRegionAtTheNextCheck() async throws {
        let (controller, bridges, _) = try await Self.make()
        let alice = try await Self.joinAndAnswer(controller, "alice", "eu")
        let carol = try await Self.joinAndAnswer(controller, "carol", "ap")
        let dave = try await Self.joinAndAnswer(controller, "dave", "ap")
        await controller.checkBridges()  // the baseline: all up
        await bridges["sin-1"]!.report(BridgeStats(), to: controller, at: .now - .seconds(7200))
        await controller.checkBridges()
        // ap's nearest region is eu (160 ms, us 220 ms); the room's bridge there.
        let placed = await controller.rooms["r"]!.ordered.map(\.bridge)
        #expect(placed == ["fra-1", "fra-1", "fra-1"])
        #expect(bridges["fra-1"]!.allocations(for: carol.id).count == 1 && bridges["fra-1"]!.allocations(for: dave.id).count == 1)
        // One bridge left: fra-1 is told to drop its links.
        #expect(bridges["fra-1"]!.cascade(for: "r") == .init(conference: "r", links: [], remote: []))
        _ = alice
    }

    @Test func aParticipantNoBridgeCanTakeIsRemovedAndTheOthersRenegotiate() async throws {
        let (controller, bridges, log) = try await Self.make(ControllerFixture.topology)
        let alice = try await Self.joinAndAnswer(controller, "alice", "eu")
        let bob = try await Self.joinAndAnswer(controller, "bob", "us")
        #expect(bob.bridge == "iad-1")
        #expect(await controller.setDraining("fra-1", true) == .applied)
        let aliceRevision = try #require(await controller.rooms["r"]?.participants[alice.id]?.revision)

        await controller.bridgeDisconnected(bridges["iad-1"]!.link)

        #expect(await controller.contains(room: "r", participant: bob.id) == false)
        let aliceNow = try #require(await controller.rooms["r"]?.participants[alice.id])
        #expect(aliceNow.revision == aliceRevision + 1 && aliceNow.slots.allSatisfy { !$0.active })
        #expect(bridges["fra-1"]!.allocations(for: bob.id).isEmpty, "a draining bridge takes nobody")
        #expect(log.all.contains { $0.contains("no bridge can take it") })
        let ledger = await controller.ledger
        #expect(ledger.count(on: "iad-1") == 0 && ledger.count(on: "fra-1") == 1)
    }

    @Test func aBridgeRefusingTheMovedEndpointIsSkippedForTheNextBest() async throws {
        let (controller, bridges, _) = try await Self.make()
        let alice = try await Self.joinAndAnswer(controller, "alice", "eu")
        bridges["fra-2"]!.refuse(with: "out of ports")
        await controller.bridgeDisconnected(bridges["fra-1"]!.link)
        // fra-2 refused; the nearest region's bridge took her.
        #expect(await controller.rooms["r"]?.participants[alice.id]?.bridge == "iad-1")
        #expect(bridges["iad-1"]!.allocations(for: alice.id).count == 1)
        let ledger = await controller.ledger
        #expect(ledger.placement(of: alice.id)?.bridge == "iad-1")
    }

    @Test func anEndpointEventFromABridgeTheParticipantLeftIsIgnored() async throws {
        let (controller, bridges, _) = try await Self.make()
        let alice = try await Self.joinAndAnswer(controller, "alice", "eu")
        await controller.bridgeDisconnected(bridges["fra-1"]!.link)
        // fra-1 comes back and reports the endpoint it lost.
        let again = SimulatedBridge(id: "fra-1", region: "eu")
        try await controller.registry.connect(again.link)
        await again.send(.event(EndpointEvent(conference: "r", endpoint: alice.id, kind: .expired)), to: controller)
        #expect(await controller.contains(room: "r", participant: alice.id))
        // From the bridge she is on, it counts.
        await bridges["fra-2"]!.send(.event(EndpointEvent(conference: "r", endpoint: alice.id, kind: .failed)), to: controller)
        #expect(await controller.contains(room: "r", participant: alice.id) == false)
    }
}
