import Testing
@testable import Overlay

/// Every reason a datagram is dropped, each counted once, none changing state.
@Suite struct SealingRejectionTests {
    private func established(_ suite: EnvelopeCipher.Suite? = nil) throws -> BridgePair {
        let pair = try suite.map(BridgePair.init(suite:)) ?? BridgePair()
        pair.handshake(from: pair.a)
        return pair
    }

    /// Seals one datagram a → b, applies `tamper`, and expects `reason`; then
    /// checks that the untampered datagram still opens (nothing moved).
    private func expectDrop(_ reason: SealDropReason, suite: EnvelopeCipher.Suite? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation,
                            _ tamper: (inout [UInt8]) -> Void) throws {
        let pair = try established(suite)
        let original = try pair.a.seal(Array("payload".utf8), to: "nyc-1")
        var tampered = original
        tamper(&tampered)
        #expect(pair.b.open(tampered) == .failure(reason), sourceLocation: sourceLocation)
        #expect(pair.b.registry.counters[reason] == 1, sourceLocation: sourceLocation)
        #expect(pair.b.registry.counters.dropped == 1, sourceLocation: sourceLocation)
        #expect(pair.b.open(original) == .success(Array("payload".utf8)), sourceLocation: sourceLocation)
    }

    @Test func unknownSenderLinkIndex() throws {
        try expectDrop(.unknownSender) { $0[5] ^= 0x55 }
    }

    @Test(arguments: SealingFixture.suites)
    func tamperedHeaderCounterFailsTag(suite: EnvelopeCipher.Suite) throws {
        try expectDrop(.authenticationFailed, suite: suite) { $0[14] ^= 0x01 }   // counter + 256: unseen, so only the tag can tell
    }

    @Test(arguments: SealingFixture.suites)
    func tamperedHeaderTypeFailsTag(suite: EnvelopeCipher.Suite) throws {
        // data → confirm: still a sealed type, so only the tag can tell.
        try expectDrop(.authenticationFailed, suite: suite) { $0[1] = SealMessageType.confirm.rawValue }
    }

    @Test func tamperedHeaderKeyIdIsUnknownKey() throws {
        try expectDrop(.unknownKey) { $0[2] &+= 100 }
    }

    @Test func tamperedHeaderVersionIsMalformed() throws {
        try expectDrop(.malformed) { $0[0] = 2 }
    }

    @Test func tamperedHeaderReservedOctetIsMalformed() throws {
        try expectDrop(.malformed) { $0[3] = 1 }
    }

    @Test func unknownMessageTypeIsMalformed() throws {
        try expectDrop(.malformed) { $0[1] = 0x7F }
    }

    @Test(arguments: SealingFixture.suites)
    func tamperedCiphertext(suite: EnvelopeCipher.Suite) throws {
        try expectDrop(.authenticationFailed, suite: suite) { $0[16] ^= 0x80 }
    }

    @Test(arguments: SealingFixture.suites)
    func tamperedTag(suite: EnvelopeCipher.Suite) throws {
        try expectDrop(.authenticationFailed, suite: suite) { $0[$0.count - 1] ^= 0x01 }
    }

    @Test(arguments: SealingFixture.suites)
    func tamperedLengthFailsTag(suite: EnvelopeCipher.Suite) throws {
        try expectDrop(.authenticationFailed, suite: suite) { $0.insert(0, at: 20) }
    }

    @Test func truncatedAtEveryLengthBelowTheMinimum() throws {
        let pair = try established()
        let sealed = try pair.a.seal([], to: "nyc-1")
        #expect(sealed.count == 32)
        for length in 0..<32 {
            #expect(pair.b.open(Array(sealed[..<length])) == .failure(.truncated), "length \(length)")
        }
        #expect(pair.b.registry.counters[.truncated] == 32)
        #expect(pair.b.open(sealed) == .success([]))
    }

    @Test func truncatedHandshakeMessagesAtEveryLength() throws {
        let pair = try BridgePair()
        let hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start))
        for length in 0..<hello.datagram.count {
            #expect(pair.b.receive(Array(hello.datagram[..<length])).0 == .dropped(.truncated), "hello length \(length)")
        }
        guard case .handshake(_, let ack?) = pair.b.receive(hello.datagram).0 else {
            Issue.record("no hello-ack")
            return
        }
        for length in 0..<ack.count {
            #expect(pair.a.receive(Array(ack[..<length])).0 == .dropped(.truncated), "ack length \(length)")
        }
        #expect(pair.a.receive(ack + [0]).0 == .dropped(.malformed))
        guard case .handshake = pair.a.receive(ack).0 else {
            Issue.record("the intact hello-ack was refused")
            return
        }
    }

    @Test(arguments: SealingFixture.suites)
    func replayedDatagram(suite: EnvelopeCipher.Suite) throws {
        let pair = try established(suite)
        let sealed = try pair.a.seal([1, 2, 3], to: "nyc-1")
        #expect(pair.b.open(sealed) == .success([1, 2, 3]))
        #expect(pair.b.open(sealed) == .failure(.replayed))
        #expect(pair.b.open(sealed) == .failure(.replayed))
        #expect(pair.b.registry.counters[.replayed] == 2)
    }

    @Test(arguments: SealingFixture.suites)
    func tooOldForTheWindow(suite: EnvelopeCipher.Suite) throws {
        let pair = try established(suite)
        let first = try pair.a.seal([0], to: "nyc-1")
        var last: [UInt8] = []
        for _ in 0..<2_048 { last = try pair.a.seal([1], to: "nyc-1") }
        #expect(pair.b.open(last) == .success([1]))
        #expect(pair.b.open(first) == .failure(.tooOld))
        #expect(pair.b.registry.counters[.tooOld] == 1)
    }

    @Test func oneBelowWindowEdgeStillOpens() throws {
        let pair = try established()
        let first = try pair.a.seal([0], to: "nyc-1")
        var last: [UInt8] = []
        for _ in 0..<2_047 { last = try pair.a.seal([1], to: "nyc-1") }
        #expect(pair.b.open(last) == .success([1]))
        #expect(pair.b.open(first) == .success([0]))
    }

    @Test(arguments: SealingFixture.suites)
    func forgedHighCounterDoesNotMoveTheWindow(suite: EnvelopeCipher.Suite) throws {
        let pair = try established(suite)
        let genuine = try pair.a.seal([7], to: "nyc-1")
        var forged = genuine
        forged.replaceSubrange(8..<16, with: [0, 0, 0, 1, 0, 0, 0, 0])   // counter 2^32
        #expect(pair.b.open(forged) == .failure(.authenticationFailed))
        #expect(pair.b.open(genuine) == .success([7]))
    }

    @Test func retiredKeyIdAfterRotation() throws {
        let pair = try established()
        let old = try pair.a.seal([1], to: "nyc-1", at: SealingFixture.at(0))
        let hello = try #require(pair.a.registry.renew(pair.a.handle("nyc-1"), now: SealingFixture.at(0)))
        pair.exchange(hello.datagram, to: pair.b, at: SealingFixture.at(0))
        _ = pair.b.registry.tick(now: SealingFixture.at(30))
        #expect(pair.b.open(old, at: SealingFixture.at(30)) == .failure(.retiredKey))
    }

    @Test func weakEphemeralKeyInAuthenticHello() throws {
        // Only a bridge holding ams-1's static key can MAC this hello; it is
        // authentic but carries an all-zero (low-order) ephemeral key.
        let pair = try BridgePair()
        let secrets = try #require(StaticLinkSecrets(localId: "ams-1", local: pair.a.key,
                                                     peerId: "nyc-1", peer: pair.b.key.publicKey))
        let hello = HandshakeHello(keyId: 1, suites: [.chacha20Poly1305], linkIndex: 0x0001_0000, bootId: 1, timestamp: 1,
                                   staticKey: pair.a.key.publicKey.bytes, ephemeralKey: [UInt8](repeating: 0, count: 32))
        let message = hello.encoded(macKey: secrets.sendMACKey)
        #expect(pair.b.receive(message).0 == .dropped(.weakEphemeralKey))
        #expect(pair.b.registry.link(pair.b.handle("ams-1").rawValue)?.next == nil)
    }

    @Test func garbageNeverCrashesAndIsAlwaysCounted() throws {
        let pair = try established()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...200, using: &generator)
            var garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 1, Bool.random(using: &generator) {
                garbage[0] = 1
                garbage[1] = UInt8.random(in: 1...4, using: &generator)
            }
            guard case .dropped = pair.b.receive(garbage).0 else {
                Issue.record("garbage accepted: \(garbage)")
                return
            }
        }
        #expect(pair.b.registry.counters.dropped == 5_000)
        #expect(pair.b.open(try pair.a.seal([1], to: "nyc-1")) == .success([1]))
    }
}
