import Control

/// The SRTP keys and SSRCs of one benchmark setup: a publisher leg and one
/// leg per subscriber, each with its own random keys, as DTLS would give
/// them. The bridge holds the server side of every leg, the load generator
/// the client side, so what one protects the other unprotects.
///
/// Each forwarder gets its own legs and its own SSRCs, so a late copy from
/// one forwarder can never be counted (or fail to decrypt) as the other's.
struct ForwardingLegs {
    static let profile = SRTPProfile.aeadAES128GCM
    /// The publisher's own SSRC, and the one subscribers are told about.
    let publisherSSRC: UInt32
    let announcedSSRC: UInt32

    struct Leg {
        let bridgeSide: SRTPKeyingMaterial
        let peerSide: SRTPKeyingMaterial
    }

    let publisher: Leg
    let subscribers: [Leg]

    init(subscribers: Int, publisherSSRC: UInt32 = 0x1111_1111,
         announcedSSRC: UInt32 = 0x5555_0001) throws(ForwardingBenchmarkError) {
        self.publisherSSRC = publisherSSRC
        self.announcedSSRC = announcedSSRC
        publisher = try Self.randomLeg()
        var legs: [Leg] = []
        for _ in 0..<subscribers { legs.append(try Self.randomLeg()) }
        self.subscribers = legs
    }

    /// Fresh keys for one endpoint: the bridge's side and the participant's.
    static func randomLeg() throws(ForwardingBenchmarkError) -> Leg {
        var generator = SystemRandomNumberGenerator()
        let exported = (0..<profile.keyingMaterialLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do {
            return Leg(bridgeSide: try SRTPKeyingMaterial(exported: exported, profile: profile, role: .server),
                       peerSide: try SRTPKeyingMaterial(exported: exported, profile: profile, role: .client))
        } catch {
            throw .setup("SRTP keys: \(error)")
        }
    }

    /// The video source the publisher sends, as the controller would describe it.
    var source: Source {
        Source(kind: .video, ssrc: publisherSSRC, announcedSSRC: announcedSSRC)
    }
}
