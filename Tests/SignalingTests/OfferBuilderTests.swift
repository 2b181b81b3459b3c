import Testing
@testable import Signaling

struct OfferBuilderTests {
    @Test func firstOfferHasOwnRecvonlyLinesAndASendonlyPairPerOtherParticipant() throws {
        let offer = OfferBuilder.offer(SDPFixtures.plan(slots: [SDPFixtures.bob]))
        #expect(offer.sessionAttribute("group") == "BUNDLE 0 1 2 3")
        #expect(offer.sessionAttribute("ice-lite") == "")
        #expect(offer.media.map(\.kind) == ["audio", "video", "audio", "video"])
        #expect(offer.media[0].attribute("recvonly") != nil && offer.media[1].attribute("recvonly") != nil)
        #expect(offer.media[2].attribute("sendonly") != nil && offer.media[3].attribute("sendonly") != nil)
        #expect(offer.media[2].attributes("ssrc") == ["1001 cname:bob"])
        #expect(offer.media[3].attribute("ssrc-group") == "FID 2001 2002")
        #expect(offer.media[3].attribute("msid") == "bob bob-video")
        #expect(offer.media[0].attribute("ssrc") == nil, "own m-lines carry no sources")
    }

    @Test func everyMediaLineRepeatsTheTransportAttributes() {
        let offer = OfferBuilder.offer(SDPFixtures.plan(slots: [SDPFixtures.bob, SDPFixtures.carol]))
        for media in offer.media {
            #expect(media.attribute("rtcp-mux") != nil)
            #expect(media.attribute("ice-ufrag") == "brdg")
            #expect(media.attribute("ice-pwd") == "bridgepasswordbridgepass")
            #expect(media.attribute("setup") == "actpass")
            #expect(media.attribute("fingerprint") == "sha-256 \(SDPFixtures.fingerprint)")
            #expect(media.attribute("candidate")?.hasSuffix("127.0.0.1 10001 typ host") == true)
            #expect(media.port == 10001)
        }
        #expect(offer.media[1].attributes("rtpmap") == ["96 VP8/90000", "97 rtx/90000"])
        #expect(offer.media[1].attributes("rtcp-fb").contains("96 nack pli"))
        #expect(offer.media[0].attribute("rtpmap") == "111 opus/48000/2")
    }

    @Test func aParticipantWhoLeftKeepsInactiveLinesWithoutSources() {
        var gone = SDPFixtures.bob
        gone.active = false
        let offer = OfferBuilder.offer(SDPFixtures.plan(slots: [gone, SDPFixtures.carol], revision: 3))
        #expect(offer.media.count == 6, "m-lines are never removed or reused")
        #expect(offer.media[2].attribute("inactive") != nil && offer.media[3].attribute("inactive") != nil)
        #expect(offer.media[2].attribute("ssrc") == nil && offer.media[3].attribute("msid") == nil)
        #expect(offer.media[4].attribute("mid") == "4" && offer.media[4].attribute("sendonly") != nil)
        #expect(offer.session.first { $0.type == "o" }?.value == "meridian 42 3 IN IP4 0.0.0.0")
    }

    @Test func offerTextParsesBackToTheSameDocument() throws {
        let offer = OfferBuilder.offer(SDPFixtures.plan(slots: [SDPFixtures.bob]))
        #expect(offer.text.hasSuffix("\r\n") && offer.text.contains("\r\nm=video "))
        #expect(try SDPDocument(parsing: offer.text) == offer)
    }

    @Test func ipv6CandidatesGetBracketFreeHostsAndIP6Connection() {
        var plan = SDPFixtures.plan()
        plan.transport.candidates = ["[2001:db8::1]:10002"]
        let offer = OfferBuilder.offer(plan)
        #expect(offer.media[0].lines.first { $0.type == "c" }?.value == "IN IP6 2001:db8::1")
        #expect(offer.media[0].attribute("candidate")?.contains(" 2001:db8::1 10002 typ host") == true)
    }
}
