import Testing
@testable import Overlay

/// Cipher suite negotiation: the hello's octet 3 offers, the hello-ack's
/// octet 3 chooses, both under the MACs.
@Suite struct SealingNegotiationTests {
    static let aesAvailable = EnvelopeCipher.Suite.aes256GCM.isAvailable
    static let chachaOnly = SealPolicy(ciphers: [.chacha20Poly1305])

    private func suites(_ pair: BridgePair) -> (EnvelopeCipher.Suite?, EnvelopeCipher.Suite?) {
        (pair.a.registry.status(pair.a.handle("nyc-1"))?.suite, pair.b.registry.status(pair.b.handle("ams-1"))?.suite)
    }

    private func expectRoundTrips(_ pair: BridgePair, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let payload = (0..<1_100).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(pair.b.open(try pair.a.seal(payload, to: "nyc-1")) == .success(payload), sourceLocation: sourceLocation)
        #expect(pair.a.open(try pair.b.seal(payload, to: "ams-1")) == .success(payload), sourceLocation: sourceLocation)
    }

    /// ams-1 sends a hello to nyc-1, which answers it; returns both messages.
    private func helloAndAck(_ pair: BridgePair) throws -> (hello: [UInt8], ack: [UInt8]) {
        let hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start))
        guard case .handshake(_, let ack?) = pair.b.receive(hello.datagram).0 else {
            throw SealDropReason.unexpectedHandshake
        }
        return (hello.datagram, ack)
    }

    @Test(.enabled(if: aesAvailable, "AES-256-GCM needs AES-NI and PCLMULQDQ"))
    func bothOfferingAESNegotiateAES() throws {
        let pair = try BridgePair()   // default policy: what the CPU offers
        #expect(pair.a.policy.ciphers == [.chacha20Poly1305, .aes256GCM])
        let log = pair.handshake(from: pair.a)
        #expect(log.map(\.count) == [104, 76, 32, 32])
        #expect(log[0][3] == 0x03)   // offer: ChaCha20-Poly1305 | AES-256-GCM
        #expect(log[1][3] == 0x02)   // choice: AES-256-GCM
        #expect(suites(pair) == (.aes256GCM, .aes256GCM))
        try expectRoundTrips(pair)
    }

    @Test(arguments: ["initiator", "responder", "both"])
    func chachaOnlyOnEitherSideNegotiatesChaChaOnBoth(chachaOnlySide: String) throws {
        let a = try TestBridge("ams-1", seed: 1, peers: [("nyc-1", 2)],
                               policy: chachaOnlySide == "responder" ? SealPolicy() : Self.chachaOnly)
        let b = try TestBridge("nyc-1", seed: 2, peers: [("ams-1", 1)],
                               policy: chachaOnlySide == "initiator" ? SealPolicy() : Self.chachaOnly)
        let pair = BridgePair(a: a, b: b)
        let log = pair.handshake(from: pair.a)
        #expect(log.count == 4)
        #expect(log[0][3] == EnvelopeCipher.Suite.offerOctet(a.policy.ciphers))
        #expect(log[1][3] == 0x01)
        #expect(suites(pair) == (.chacha20Poly1305, .chacha20Poly1305))
        try expectRoundTrips(pair)
    }

    @Test func statusAndSessionRememberTheSuite() throws {
        let pair = try BridgePair(suite: .chacha20Poly1305)
        pair.handshake(from: pair.a)
        let session = try #require(pair.a.registry.link(pair.a.handle("nyc-1").rawValue)?.current)
        #expect(session.suite == .chacha20Poly1305)
        #expect(suites(pair) == (.chacha20Poly1305, .chacha20Poly1305))
    }

    /// Rewriting the offer (a downgrade or upgrade of the AES bit, unknown
    /// bits) breaks the hello's MAC. Each mask flips bits but keeps ChaCha's
    /// bit 0, so the offer stays well-formed and only the MAC can catch it.
    @Test(arguments: [UInt8(0x02), 0x80, 0x7E, 0xFE])
    func tamperedHelloOfferFailsMACAndLeavesNoState(mask: UInt8) throws {
        let pair = try BridgePair()
        var hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start)).datagram
        hello[3] ^= mask
        #expect(pair.b.receive(hello).0 == .dropped(.authenticationFailed))
        let link = try #require(pair.b.registry.link(pair.b.handle("ams-1").rawValue))
        #expect(link.next == nil && link.lastHelloTimestamp == 0)
    }

    @Test(arguments: [UInt8(0x00), 0x02, 0xFE])
    func helloNotOfferingChaChaIsMalformed(offer: UInt8) throws {
        let pair = try BridgePair()
        var hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start)).datagram
        hello[3] = offer
        #expect(pair.b.receive(hello).0 == .dropped(.malformed))
    }

    /// Unknown offer bits in an authentic hello are ignored: the choice is made from the known ones.
    @Test(arguments: [UInt8(0xFD), 0xFF])
    func authenticHelloWithUnknownOfferBitsIsAnswered(offer: UInt8) throws {
        let pair = try BridgePair()
        let secrets = try #require(StaticLinkSecrets(localId: "ams-1", local: pair.a.key,
                                                     peerId: "nyc-1", peer: pair.b.key.publicKey))
        var hello = HandshakeHello(keyId: 1, suites: [.chacha20Poly1305], linkIndex: 0x0001_0000, bootId: 1,
                                   timestamp: 1, staticKey: pair.a.key.publicKey.bytes,
                                   ephemeralKey: EphemeralKey().publicKey).encoded(macKey: secrets.sendMACKey)
        hello[3] = offer
        hello.replaceSubrange(HandshakeHello.macOffset..., with: StaticLinkSecrets.mac(
            Array(hello[..<HandshakeHello.macOffset]), key: secrets.sendMACKey))
        guard case .handshake(_, let ack?) = pair.b.receive(hello).0 else {
            Issue.record("authentic hello refused")
            return
        }
        let expected: EnvelopeCipher.Suite = offer & 0x02 != 0 && Self.aesAvailable ? .aes256GCM : .chacha20Poly1305
        #expect(ack[3] == expected.rawValue)
        #expect(pair.b.registry.link(pair.b.handle("ams-1").rawValue)?.next?.suite == expected)
    }

    /// Rewriting the choice to another offered suite breaks the ack's MAC; the
    /// genuine ack still completes the handshake afterwards.
    @Test(.enabled(if: aesAvailable, "AES-256-GCM needs AES-NI and PCLMULQDQ"))
    func tamperedHelloAckChoiceFailsMAC() throws {
        let pair = try BridgePair()
        let (_, ack) = try helloAndAck(pair)
        #expect(ack[3] == 0x02)
        var downgraded = ack
        downgraded[3] = 0x01
        #expect(pair.a.receive(downgraded).0 == .dropped(.authenticationFailed))
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.state == .handshaking)
        guard case .handshake(_, let confirm?) = pair.a.receive(ack).0 else {
            Issue.record("the genuine hello-ack was refused")
            return
        }
        pair.exchange(confirm, to: pair.b)
        #expect(suites(pair) == (.aes256GCM, .aes256GCM))
        try expectRoundTrips(pair)
    }

    /// An ack choosing a suite the hello did not offer — rewritten in flight, or
    /// authentic from a broken responder — makes no session.
    @Test func helloAckChoosingUnofferedSuiteIsDropped() throws {
        let a = try TestBridge("ams-1", seed: 1, peers: [("nyc-1", 2)], policy: Self.chachaOnly)
        let b = try TestBridge("nyc-1", seed: 2, peers: [("ams-1", 1)])
        let pair = BridgePair(a: a, b: b)
        let (hello, ack) = try helloAndAck(pair)
        #expect(hello[3] == 0x01 && ack[3] == 0x01)

        var rewritten = ack
        rewritten[3] = EnvelopeCipher.Suite.aes256GCM.rawValue
        #expect(pair.a.receive(rewritten).0 == .dropped(.malformed))

        let responder = try #require(StaticLinkSecrets(localId: "nyc-1", local: b.key,
                                                       peerId: "ams-1", peer: a.key.publicKey))
        let forged = HandshakeHelloAck(keyId: 9, suite: .aes256GCM,
                                       receiverLinkIndex: a.handle("nyc-1").rawValue, linkIndex: 0x0002_0000,
                                       bootId: 2, helloTimestamp: HandshakeHello.timestampOf(hello),
                                       ephemeralKey: EphemeralKey().publicKey)
            .encoded(answering: hello, macKey: responder.sendMACKey)
        #expect(HandshakeHelloAck.verify(forged, answering: hello, macKey: responder.sendMACKey))
        #expect(pair.a.receive(forged).0 == .dropped(.malformed))
        #expect(pair.a.registry.counters[.malformed] == 2)
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.state == .handshaking)
        #expect(pair.a.registry.link(pair.a.handle("nyc-1").rawValue)?.current == nil)

        guard case .handshake(_, let confirm?) = pair.a.receive(ack).0 else {
            Issue.record("the genuine hello-ack was refused")
            return
        }
        pair.exchange(confirm, to: pair.b)
        #expect(suites(pair) == (.chacha20Poly1305, .chacha20Poly1305))
    }

    @Test(arguments: [UInt8(0x00), 0x03, 0x04, 0x80, 0xFF])
    func helloAckWithUnknownSuiteValueIsMalformed(value: UInt8) throws {
        let pair = try BridgePair()
        var (_, ack) = try helloAndAck(pair)
        ack[3] = value
        #expect(pair.a.receive(ack).0 == .dropped(.malformed))
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.state == .handshaking)
    }

    @Test func policyMustOfferChaCha() {
        #expect(!SealPolicy(ciphers: []).problems.isEmpty)
        #expect(!SealPolicy(ciphers: [.aes256GCM]).problems.isEmpty)
        #expect(SealPolicy(ciphers: [.chacha20Poly1305]).problems.isEmpty)
        #expect(throws: SealSetupError.self) {
            _ = try TestBridge("ams-1", seed: 1, peers: [("nyc-1", 2)], policy: SealPolicy(ciphers: [.aes256GCM]))
        }
    }

    @Test(.enabled(if: !aesAvailable, "only meaningful on a CPU without AES-NI"))
    func policyRefusesAESWhereTheCPUCannotRunIt() {
        #expect(!SealPolicy(ciphers: [.chacha20Poly1305, .aes256GCM]).problems.isEmpty)
    }

    /// AES-GCM sessions renew by their own, lower packet limit; ChaCha ones by the policy's.
    @Test(arguments: SealingFixture.suites)
    func sessionPacketLimitsFollowTheSuite(suite: EnvelopeCipher.Suite) throws {
        let pair = try BridgePair(suite: suite)
        pair.handshake(from: pair.a)
        let session = try #require(pair.a.registry.link(pair.a.handle("nyc-1").rawValue)?.current)
        let expected: (UInt64, UInt64) = suite == .aes256GCM ? (1 << 29, 1 << 30) : (1 << 32, 1 << 33)
        #expect(session.rekeyAfterPackets == expected.0 && session.rejectAfterPackets == expected.1)

        var low = SealingFixture.policy(suite)
        low.rekeyAfterPackets = 10
        low.rejectAfterPackets = 20
        let lowPair = try BridgePair(policy: low)
        lowPair.handshake(from: lowPair.a)
        let lowSession = try #require(lowPair.a.registry.link(lowPair.a.handle("nyc-1").rawValue)?.current)
        #expect(lowSession.rekeyAfterPackets == 10 && lowSession.rejectAfterPackets == 20)
    }
}

extension HandshakeHello {
    /// The timestamp field (octets 16..<24) of an encoded hello.
    static func timestampOf(_ message: [UInt8]) -> UInt64 {
        message[16..<24].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
