import Testing
@testable import Signaling

struct AnswerReaderTests {
    let offer = OfferBuilder.offer(SDPFixtures.plan(slots: [SDPFixtures.bob, SDPFixtures.carol]))

    @Test func readsCredentialsFingerprintRoleSourcesAndAcceptedSlots() throws {
        let summary = try AnswerReader.read(SDPFixtures.answer(to: offer), answering: offer)
        #expect(summary.iceUfrag == "YrLX" && summary.icePwd == "7NoeU4tKYgKfiD7P1uUrJ6")
        #expect(summary.fingerprint == SDPFixtures.clientFingerprint, "sha-256 is chosen among several")
        #expect(summary.setup == "active")
        #expect(summary.audioSSRC == 111 && summary.videoSSRC == 222 && summary.videoRTXSSRC == 223)
        #expect(summary.acceptedSlots == [0, 1])
        #expect(summary.rtxAccepted)
    }

    @Test func inactiveLinesAreNotAccepted() throws {
        let summary = try AnswerReader.read(SDPFixtures.answer(to: offer, otherDirection: "inactive"), answering: offer)
        #expect(summary.acceptedSlots.isEmpty)
    }

    @Test func lineFeedOnlyAnswersAreAccepted() throws {
        let text = SDPFixtures.answer(to: offer).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(try AnswerReader.read(text, answering: offer).videoSSRC == 222)
    }

    @Test(arguments: [
        ("", "empty description"),
        ("hello", "expected '<letter>=<value>'"),
        ("o=- 1 1 IN IP4 0.0.0.0\r\n", "the first line must be v=0"),
        ("v=0\r\ns=-\r\nt=0 0\r\n", "missing the session line 'o='"),
        ("v=0\r\no=- 1 1 IN IP4 0\r\ns=-\r\nt=0 0\r\nm=audio\r\n", "m= needs kind, port, proto and formats"),
        ("v=0\r\no=- 1 1 IN IP4 0\r\ns=-\r\nt=0 0\r\nm=audio x UDP 111\r\n", "bad port"),
    ])
    func malformedTextIsRefusedWithAReason(_ text: String, _ reason: String) {
        #expect {
            _ = try AnswerReader.read(text, answering: offer)
        } throws: { ($0 as? SDPError)?.description.contains(reason) == true }
    }

    @Test func answersThatDoNotMatchTheOfferAreRefused() {
        let good = SDPFixtures.answer(to: offer)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "a=mid:3", with: "a=mid:9"), "has mid '9'"),
            (good.replacingOccurrences(of: "a=setup:active", with: "a=setup:actpass"), "a=setup:actpass is not a valid answer"),
            (good.replacingOccurrences(of: "a=fingerprint:sha-256", with: "a=fingerprint:md5"), "no sha-256 fingerprint"),
            (good.replacingOccurrences(of: "sha-256 C0:C0", with: "sha-256 ZZ:C0"), "malformed sha-256 fingerprint"),
            (good.replacingOccurrences(of: "a=ice-pwd:7NoeU4tKYgKfiD7P1uUrJ6", with: "a=ice-pwd:short"), "ice-pwd"),
            (good.replacingOccurrences(of: "m=audio 9 UDP/TLS/RTP/SAVPF 111", with: "m=audio 9 UDP/TLS/RTP/SAVPF 0"),
             "payload types 0 that were not offered"),
            (SDPFixtures.answer(to: offer, ownDirection: "recvonly"), "must be sendonly or inactive"),
            (SDPFixtures.answer(to: offer, otherDirection: "sendrecv"), "must be recvonly or inactive"),
            (good.components(separatedBy: "m=video").dropLast().joined(separator: "m=video"), "m-lines"),
            (good.replacingOccurrences(of: "a=ssrc:111 cname:x\r\n", with: ""), "has no a=ssrc"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try AnswerReader.read(text, answering: offer)
            } throws: { ($0 as? SDPError)?.description.contains(reason) == true }
        }
    }
}

struct SDPDocumentTests {
    /// Found by Fuzz/FuzzSDP.swift: a value ending in CR printed as "…\r\r\n"
    /// and came back without it. Control characters are now refused.
    @Test func controlCharactersInsideALineAreRefused() {
        #expect(throws: SDPError.self) { try SDPDocument(parsing: "v=0\r\no=- 1 1 IN IP4 0\r\r\r\ns=-\r\nt=0 0\r\n") }
        #expect(throws: SDPError.self) { try SDPDocument(parsing: "v=0\r\no=- 1\0 1 IN IP4 0\r\ns=-\r\nt=0 0\r\n") }
    }
}
