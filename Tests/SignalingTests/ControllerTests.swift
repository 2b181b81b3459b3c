import Control
import Testing
@testable import Signaling
import Topology

struct ControllerTests {
    @Test func joinAllocatesOnTheBridgeOfTheRegionAndOffers() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        let joined = try await controller.join(room: "r", request: JoinRequest(name: "alice", region: "us"), peer: nil)
        #expect(joined.bridge == "iad-1" && joined.region == "us" && joined.regionSource == "hint")
        #expect(joined.revision == 1 && joined.events == "/v1/rooms/r/participants/\(joined.id)/events")
        guard case .allocate(let allocate) = bridges["iad-1"]!.received.first else { Issue.record("no allocate"); return }
        let offer = try SDPDocument(parsing: joined.offer)
        #expect(offer.media[0].attribute("ice-ufrag") == allocate.iceUfrag)
        #expect(offer.media[0].attribute("ice-pwd") == allocate.icePwd)
    }

    @Test func regionComesFromHintThenAddressThenDefault() async throws {
        let (controller, _) = try await ControllerFixture.make()
        let byAddress = try await controller.join(room: "r", request: JoinRequest(name: "a"),
                                                  peer: IPAddress("192.0.2.7"))
        #expect(byAddress.region == "eu" && byAddress.regionSource == "address")
        let byDefault = try await controller.join(room: "s", request: JoinRequest(name: "b"),
                                                  peer: IPAddress("198.51.100.1"))
        #expect(byDefault.region == "eu" && byDefault.regionSource == "default")
    }

    @Test func answerUpdatesTheBridgeWithSourcesAndReceives() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        let alice = try await controller.join(room: "r", request: JoinRequest(name: "alice"), peer: nil)
        let bob = try await controller.join(room: "r", request: JoinRequest(name: "bob"), peer: nil)
        let bobOffer = try SDPDocument(parsing: bob.offer)
        try await controller.answer(room: "r", participant: bob.id, sdp: SDPFixtures.answer(to: bobOffer), revision: 1)
        let update = try #require(bridges["fra-1"]!.updates(for: bob.id).last)
        #expect(update.remoteUfrag == "YrLX" && update.remoteSetup == "active")
        #expect(update.remoteFingerprint == SDPFixtures.clientFingerprint)
        #expect(update.sends.map(\.ssrc) == [111, 222] && update.sends[1].rtxSSRC == 223)
        // Bob receives alice's audio and video under the SSRCs his offer announced.
        let announced = bobOffer.media[2...3].compactMap { $0.attribute("ssrc").flatMap { UInt32($0.split(separator: " ")[0]) } }
        #expect(update.receives == announced)
        _ = alice
    }

    @Test func aNewcomerTriggersRenegotiationOffersToOthers() async throws {
        let (controller, _) = try await ControllerFixture.make()
        let alice = try await controller.join(room: "r", request: JoinRequest(name: "alice"), peer: nil)
        var events = try await controller.subscribe(room: "r", participant: alice.id).makeAsyncIterator()
        #expect(await events.next()?.list?.map(\.name) == ["alice"])
        let bob = try await controller.join(room: "r", request: JoinRequest(name: "bob"), peer: nil)
        let offer = try #require(await events.next())
        #expect(offer.type == "offer" && offer.revision == 2)
        #expect(offer.sdp?.contains("a=msid:\(bob.id) \(bob.id)-video") == true)
        #expect(await events.next()?.list?.map(\.name) == ["alice", "bob"])
    }

    @Test func staleAndMalformedAnswersAreRefusedWithoutChangingState() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        let alice = try await controller.join(room: "r", request: JoinRequest(name: "alice"), peer: nil)
        let offer = try SDPDocument(parsing: alice.offer)
        await #expect(throws: APIError.conflict("this answers revision 7; the current offer is revision 1")) {
            try await controller.answer(room: "r", participant: alice.id, sdp: SDPFixtures.answer(to: offer), revision: 7)
        }
        await #expect { try await controller.answer(room: "r", participant: alice.id, sdp: "v=0\r\nnonsense", revision: 1) }
            throws: { ($0 as? APIError)?.status == 400 }
        #expect(bridges["fra-1"]!.updates(for: alice.id).isEmpty, "nothing reached the bridge")
        try await controller.answer(room: "r", participant: alice.id, sdp: SDPFixtures.answer(to: offer), revision: 1)
        #expect(bridges["fra-1"]!.updates(for: alice.id).count == 1, "a good answer still works afterwards")
    }

    @Test func leavingExpiresTheEndpointAndMarksItsLinesInactiveForOthers() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        let alice = try await controller.join(room: "r", request: JoinRequest(name: "alice"), peer: nil)
        let bob = try await controller.join(room: "r", request: JoinRequest(name: "bob"), peer: nil)
        var events = try await controller.subscribe(room: "r", participant: alice.id).makeAsyncIterator()
        _ = await events.next()  // participants
        _ = await events.next()  // the pending revision-2 offer
        try await controller.leave(room: "r", participant: bob.id)
        #expect(bridges["fra-1"]!.received.contains(.expire(.init(conference: "r", endpoint: bob.id))))
        let offer = try #require(await events.next())
        #expect(offer.revision == 3)
        let document = try SDPDocument(parsing: offer.sdp ?? "")
        #expect(document.media.count == 4 && document.media[2].attribute("inactive") != nil)
        let info = try await controller.roomInfo("r")
        #expect(info.participants.map(\.name) == ["alice"])
        await #expect(throws: APIError.notFound("no participant \(bob.id) in room r")) {
            try await controller.leave(room: "r", participant: bob.id)
        }
    }

    @Test func badRequestsGetClientErrors() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        await #expect { _ = try await controller.join(room: "no/slash", request: JoinRequest(name: "a"), peer: nil) }
            throws: { ($0 as? APIError)?.status == 400 }
        await #expect { _ = try await controller.join(room: "r", request: JoinRequest(name: " "), peer: nil) }
            throws: { ($0 as? APIError)?.status == 400 }
        await #expect { _ = try await controller.join(room: "r", request: JoinRequest(name: "a", region: "mars"), peer: nil) }
            throws: { ($0 as? APIError)?.message.contains("unknown region 'mars'") == true }
        await #expect { _ = try await controller.roomInfo("nobody-here") } throws: { ($0 as? APIError)?.status == 404 }
        bridges["fra-1"]!.refuse(with: "bridge is full")
        await #expect { _ = try await controller.join(room: "r", request: JoinRequest(name: "a"), peer: nil) }
            throws: { ($0 as? APIError)?.message.contains("bridge is full") == true }
        await #expect { _ = try await controller.roomInfo("r") } throws: { ($0 as? APIError)?.status == 404 }
    }
}
