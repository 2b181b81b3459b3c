import Testing
@testable import Overlay

/// Key rotation: overlap (grace period), rekey by packet count and by time,
/// hard limits.
@Suite struct SealingRotationTests {
    @Test func previousKeyOpensDuringGraceThenIsRetired() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a, at: SealingFixture.at(0))
        let handle = pair.b.handle("ams-1")
        let firstKeyId = try #require(pair.b.registry.status(handle)?.inboundKeyId)
        // Sealed under the first session, delivered only after the switch.
        let inFlight = try (0..<3).map { try pair.a.seal([UInt8($0)], to: "nyc-1", at: SealingFixture.at(1)) }

        let hello = try #require(pair.a.registry.renew(pair.a.handle("nyc-1"), now: SealingFixture.at(2)))
        #expect(pair.exchange(hello.datagram, to: pair.b, at: SealingFixture.at(2)).count == 4)
        let status = try #require(pair.b.registry.status(handle))
        #expect(status.inboundKeyId != firstKeyId)
        #expect(status.previousInGrace)

        // Grace is 10 s from the switch at t = 2.
        #expect(pair.b.open(inFlight[0], at: SealingFixture.at(3)) == .success([0]))
        #expect(pair.b.open(inFlight[1], at: SealingFixture.at(11.9)) == .success([1]))
        _ = pair.b.registry.tick(now: SealingFixture.at(12))
        #expect(pair.b.registry.status(handle)?.previousInGrace == false)
        #expect(pair.b.open(inFlight[2], at: SealingFixture.at(12)) == .failure(.retiredKey))
        #expect(pair.b.registry.counters[.retiredKey] == 1)
        // The new session is unaffected.
        #expect(pair.b.open(try pair.a.seal([9], to: "nyc-1", at: SealingFixture.at(12)),
                            at: SealingFixture.at(12)) == .success([9]))
    }

    @Test func graceEndsOnTimeEvenWithoutTick() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a, at: SealingFixture.at(0))
        let late = try pair.a.seal([1], to: "nyc-1", at: SealingFixture.at(0))
        let hello = try #require(pair.a.registry.renew(pair.a.handle("nyc-1"), now: SealingFixture.at(1)))
        pair.exchange(hello.datagram, to: pair.b, at: SealingFixture.at(1))
        #expect(pair.b.open(late, at: SealingFixture.at(11)) == .failure(.retiredKey))
    }

    @Test func rekeyAfterPacketCount() throws {
        let policy = SealPolicy(rekeyAfterPackets: 10, rejectAfterPackets: 20)
        let pair = try BridgePair(policy: policy)
        pair.handshake(from: pair.a)
        let handle = pair.a.handle("nyc-1")
        let firstKeyId = try #require(pair.a.registry.status(handle)?.outboundKeyId)
        // The handshake's confirm already used counter 0.
        for index in 0..<9 {
            #expect(pair.b.open(try pair.a.seal([UInt8(index)], to: "nyc-1")) == .success([UInt8(index)]))
        }
        #expect(pair.a.registry.status(handle)?.packetsSent == 10)
        let rekey = pair.tick(pair.a, at: SealingFixture.at(0.1))
        #expect(rekey.map(\.count) == [104, 76, 32, 32])
        let status = try #require(pair.a.registry.status(handle))
        #expect(status.outboundKeyId != firstKeyId)
        #expect(status.packetsSent == 1)   // the new confirm
        #expect(pair.b.open(try pair.a.seal([42], to: "nyc-1")) == .success([42]))
        #expect(pair.a.registry.counters.handshakesCompleted == 2)
    }

    @Test func rekeyBelowPacketCountDoesNotHappen() throws {
        let pair = try BridgePair(policy: SealPolicy(rekeyAfterPackets: 10, rejectAfterPackets: 20))
        pair.handshake(from: pair.a)
        for _ in 0..<8 { _ = try pair.a.seal([0], to: "nyc-1") }
        #expect(pair.tick(pair.a, at: SealingFixture.at(0.1)).isEmpty)
    }

    @Test func rekeyAfterTimeIsStartedByTheInitiatorFirst() throws {
        let policy = SealPolicy(rekeyAfterTime: .seconds(60), rejectAfterTime: .seconds(600))
        let pair = try BridgePair(policy: policy)
        pair.handshake(from: pair.a, at: SealingFixture.at(0))
        _ = try pair.b.seal([1], to: "ams-1", at: SealingFixture.at(0))   // nyc-1 uses the link too
        #expect(pair.a.registry.tick(now: SealingFixture.at(59)).isEmpty)
        #expect(pair.b.registry.tick(now: SealingFixture.at(60)).isEmpty)   // responder waits 10 % longer
        let rekey = pair.tick(pair.a, at: SealingFixture.at(60))
        #expect(rekey.map(\.count) == [104, 76, 32, 32])
        // The responder's clock restarted with the new session.
        #expect(pair.b.registry.tick(now: SealingFixture.at(66)).isEmpty)
    }

    @Test func responderRenewsWhenInitiatorDoesNot() throws {
        let policy = SealPolicy(rekeyAfterTime: .seconds(60), rejectAfterTime: .seconds(600))
        let pair = try BridgePair(policy: policy)
        pair.handshake(from: pair.a, at: SealingFixture.at(0))
        _ = try pair.b.seal([1], to: "ams-1", at: SealingFixture.at(0))
        let rekey = pair.tick(pair.b, at: SealingFixture.at(66))
        #expect(rekey.map(\.count) == [104, 76, 32, 32])
    }

    @Test func hardPacketLimitStopsSealingUntilRenewed() throws {
        let pair = try BridgePair(policy: SealPolicy(rekeyAfterPackets: 4, rejectAfterPackets: 8))
        pair.handshake(from: pair.a)
        for _ in 0..<7 { _ = try pair.a.seal([0], to: "nyc-1") }
        #expect(throws: SealError.sessionExhausted(peer: "nyc-1")) { try pair.a.seal([0], to: "nyc-1") }
        // tick retires the exhausted session and starts over.
        let renewal = pair.tick(pair.a, at: SealingFixture.at(0.1))
        #expect(renewal.map(\.count) == [104, 76, 32, 32])
        #expect(pair.b.open(try pair.a.seal([5], to: "nyc-1")) == .success([5]))
    }

    @Test func hardTimeLimitRetiresSessionOnBothSides() throws {
        let policy = SealPolicy(rekeyAfterTime: .seconds(60), rejectAfterTime: .seconds(120))
        let pair = try BridgePair(policy: policy)
        pair.handshake(from: pair.a, at: SealingFixture.at(0))
        let sealed = try pair.a.seal([1], to: "nyc-1", at: SealingFixture.at(119))
        #expect(pair.b.open(sealed, at: SealingFixture.at(120)) == .failure(.retiredKey))
        #expect(throws: SealError.sessionExhausted(peer: "nyc-1")) {
            try pair.a.seal([2], to: "nyc-1", at: SealingFixture.at(120))
        }
    }

    @Test func policyProblemsAreReportedAndRefused() {
        let policy = SealPolicy(rekeyAfterPackets: 100, rekeyAfterTime: .seconds(600),
                                rejectAfterPackets: 100, rejectAfterTime: .seconds(600))
        #expect(policy.problems.count == 2)
        #expect(SealPolicy().problems.isEmpty)
        #expect(throws: SealSetupError.invalidPolicy(policy.problems)) {
            try SealRegistry(localId: "ams-1", localKey: SealingFixture.key(1), peers: [], policy: policy)
        }
    }
}
