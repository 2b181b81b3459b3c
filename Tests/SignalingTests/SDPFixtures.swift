import Control
@testable import Signaling

/// Offers and answers shaped like the ones real clients exchange with Meridian.
enum SDPFixtures {
    static let fingerprint = Array(repeating: "AB", count: 32).joined(separator: ":")
    static let clientFingerprint = Array(repeating: "C0", count: 32).joined(separator: ":")

    static func plan(slots: [OfferPlan.RemoteSlot] = [], revision: Int = 1) -> OfferPlan {
        OfferPlan(participant: "alice", revision: revision, sessionID: 42,
                  transport: .init(candidates: ["127.0.0.1:10001"], fingerprint: fingerprint,
                                   iceUfrag: "brdg", icePwd: "bridgepasswordbridgepass"),
                  slots: slots)
    }

    static let bob = OfferPlan.RemoteSlot(participant: "bob", audioSSRC: 1001, videoSSRC: 2001, videoRTXSSRC: 2002)
    static let carol = OfferPlan.RemoteSlot(participant: "carol", audioSSRC: 3001, videoSSRC: 4001, videoRTXSSRC: 4002)

    /// An answer to `offer` the way aiortc writes one: own m-lines sendonly
    /// with SSRCs (FID group for video), others recvonly, three fingerprints.
    static func answer(to offer: SDPDocument, setup: String = "active", ownDirection: String = "sendonly",
                       otherDirection: String = "recvonly") -> String {
        var lines = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
                     "a=group:BUNDLE " + offer.media.compactMap { $0.attribute("mid") }.joined(separator: " ")]
        for (index, media) in offer.media.enumerated() {
            let direction = index < 2 ? ownDirection : (media.attribute("inactive") != nil ? "inactive" : otherDirection)
            lines.append("m=\(media.kind) 9 UDP/TLS/RTP/SAVPF \(media.formats.joined(separator: " "))")
            lines += ["c=IN IP4 0.0.0.0", "a=\(direction)", "a=mid:\(media.attribute("mid")!)", "a=rtcp-mux"]
            if index == 0 { lines.append("a=ssrc:111 cname:x") }
            if index == 1 { lines += ["a=ssrc-group:FID 222 223", "a=ssrc:222 cname:x", "a=ssrc:223 cname:x"] }
            lines += ["a=ice-ufrag:YrLX", "a=ice-pwd:7NoeU4tKYgKfiD7P1uUrJ6",
                      "a=fingerprint:sha-256 \(clientFingerprint)",
                      "a=fingerprint:sha-384 " + Array(repeating: "6F", count: 48).joined(separator: ":"),
                      "a=setup:\(setup)"]
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
