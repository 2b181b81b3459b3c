import Testing
@testable import Overlay

/// Hello / hello-ack / confirm between two in-process bridges.
@Suite struct SealingHandshakeTests {
    @Test func handshakeEstablishesBothDirectionsInFourSmallMessages() throws {
        let pair = try BridgePair()
        let log = pair.handshake(from: pair.a)
        #expect(log.map(\.count) == [104, 76, 32, 32])
        let atA = try #require(pair.a.registry.status(pair.a.handle("nyc-1")))
        let atB = try #require(pair.b.registry.status(pair.b.handle("ams-1")))
        #expect(atA.state == .established && atB.state == .established)
        #expect(atA.outboundKeyId == atB.inboundKeyId)
        #expect(atB.outboundKeyId == atA.inboundKeyId)
        #expect(atA.peerBootId == pair.b.registry.bootId)
        #expect(atB.peerBootId == pair.a.registry.bootId)
        #expect(pair.b.open(try pair.a.seal(Array("ams→nyc".utf8), to: "nyc-1")) == .success(Array("ams→nyc".utf8)))
        #expect(pair.a.open(try pair.b.seal(Array("nyc→ams".utf8), to: "ams-1")) == .success(Array("nyc→ams".utf8)))
        #expect(pair.a.registry.counters.handshakesCompleted == 1)
        #expect(pair.b.registry.counters.handshakesCompleted == 1)
        #expect(pair.a.registry.counters.dropped == 0 && pair.b.registry.counters.dropped == 0)
    }

    @Test func sealingBeforeHandshakeThrowsNoSession() throws {
        let pair = try BridgePair()
        #expect(throws: SealError.noSession(peer: "nyc-1")) { try pair.a.seal([1, 2, 3], to: "nyc-1") }
    }

    @Test func restartedBridgeGetsNewKeysAndOldPacketsAreRejected() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a)
        let handleAtA = pair.a.handle("nyc-1")
        let oldKeyAtA = try #require(pair.a.registry.link(handleAtA.rawValue)?.current?.sendKey.bytes)
        let oldBoot = pair.b.registry.bootId
        let deliveredBefore = try pair.b.seal([1], to: "ams-1")
        let lateFromOldB = try pair.b.seal([2], to: "ams-1")
        let toOldB = try pair.a.seal([3], to: "nyc-1")
        #expect(pair.a.open(deliveredBefore) == .success([1]))

        try pair.b.restart()
        #expect(pair.b.registry.bootId != oldBoot)
        #expect(pair.b.registry.status(pair.b.handle("ams-1"))?.state == .idle)
        // What ams-1 sealed for the old process names a link index the new one never issued.
        #expect(pair.b.open(toOldB) == .failure(.unknownSender))

        let log = pair.handshake(from: pair.b)
        #expect(log.count == 4)
        let newKeyAtA = try #require(pair.a.registry.link(handleAtA.rawValue)?.current?.sendKey.bytes)
        #expect(newKeyAtA != oldKeyAtA)
        #expect(pair.a.registry.status(handleAtA)?.peerBootId == pair.b.registry.bootId)
        // The old process's keys retire at once: the peer restarted, no grace.
        #expect(pair.a.open(lateFromOldB) == .failure(.retiredKey))
        #expect(pair.a.open(deliveredBefore) == .failure(.retiredKey))
        #expect(pair.b.open(try pair.a.seal([4], to: "nyc-1")) == .success([4]))
        #expect(pair.a.open(try pair.b.seal([5], to: "ams-1")) == .success([5]))
    }

    @Test func restartedInitiatorIsAcceptedByResponderThatKeptItsSession() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a)
        try pair.a.restart()
        #expect(pair.handshake(from: pair.a).count == 4)
        #expect(pair.b.open(try pair.a.seal([9], to: "nyc-1")) == .success([9]))
        #expect(pair.a.open(try pair.b.seal([8], to: "ams-1")) == .success([8]))
    }

    @Test func replayedHelloIsDroppedAndLeavesSessionAlone() throws {
        let pair = try BridgePair()
        let log = pair.handshake(from: pair.a)
        let before = pair.b.registry.status(pair.b.handle("ams-1"))
        #expect(pair.b.receive(log[0]).0 == .dropped(.replayedHandshake))
        #expect(pair.b.registry.status(pair.b.handle("ams-1")) == before)
        #expect(pair.b.registry.link(pair.b.handle("ams-1").rawValue)?.next == nil)
        #expect(pair.b.registry.counters[.replayedHandshake] == 1)
        #expect(pair.b.open(try pair.a.seal([7], to: "nyc-1")) == .success([7]))
    }

    @Test func helloFromUnknownStaticKeyIsDropped() throws {
        let pair = try BridgePair()
        let stranger = try TestBridge("evil-1", seed: 66, peers: [("nyc-1", 2)])
        let hello = try #require(stranger.registry.connect(to: stranger.handle("nyc-1"), now: SealingFixture.start))
        #expect(pair.b.receive(hello.datagram).0 == .dropped(.unknownSender))
    }

    @Test(arguments: [2, 3, 4, 8, 16, 24, 56, 87, 88, 103])
    func tamperedHelloIsDroppedBeforeAnyState(offset: Int) throws {
        let pair = try BridgePair()
        var hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start)).datagram
        hello[offset] ^= 0x20
        let (result, _) = pair.b.receive(hello)
        // Octet 24…55 is the sender's static key: flipping it names nobody.
        let expected: SealDropReason = (24..<56).contains(offset) ? .unknownSender : .authenticationFailed
        #expect(result == .dropped(expected))
        let link = try #require(pair.b.registry.link(pair.b.handle("ams-1").rawValue))
        #expect(link.next == nil && link.lastHelloTimestamp == 0)
    }

    @Test func tamperedHelloAckIsDroppedAndHandshakeStaysOpen() throws {
        let pair = try BridgePair()
        let hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start))
        guard case .handshake(_, var ack?) = pair.b.receive(hello.datagram).0 else {
            Issue.record("no hello-ack")
            return
        }
        ack[40] ^= 1   // inside the responder's ephemeral key
        #expect(pair.a.receive(ack).0 == .dropped(.authenticationFailed))
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.state == .handshaking)
    }

    @Test func helloAckAnsweringNoHelloIsDropped() throws {
        let pair = try BridgePair()
        let log = pair.handshake(from: pair.a)
        #expect(pair.a.receive(log[1]).0 == .dropped(.unexpectedHandshake))
        #expect(pair.a.registry.counters[.unexpectedHandshake] == 1)
    }

    @Test func simultaneousHellosResolveToOneSession() throws {
        let pair = try BridgePair()
        let helloA = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.start))
        let helloB = try #require(pair.b.registry.connect(to: pair.b.handle("ams-1"), now: SealingFixture.start))
        // ams-1 sorts first: it keeps its own attempt and ignores nyc-1's.
        #expect(pair.a.receive(helloB.datagram).0 == .dropped(.unexpectedHandshake))
        #expect(pair.exchange(helloA.datagram, to: pair.b).count == 4)
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.state == .established)
        #expect(pair.b.registry.status(pair.b.handle("ams-1"))?.state == .established)
        #expect(pair.b.open(try pair.a.seal([1], to: "nyc-1")) == .success([1]))
        #expect(pair.a.open(try pair.b.seal([2], to: "ams-1")) == .success([2]))
    }

    @Test func lostHelloIsRetriedWithFreshEphemeralAndOldOneBecomesReplay() throws {
        let pair = try BridgePair()
        let first = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.at(0)))
        #expect(pair.a.registry.tick(now: SealingFixture.at(0.5)).isEmpty)
        let retry = pair.a.registry.tick(now: SealingFixture.at(1))
        #expect(retry.count == 1)
        let second = try #require(retry.first).datagram
        #expect(second[56..<88] != first.datagram[56..<88])
        #expect(pair.exchange(second, to: pair.b, at: SealingFixture.at(1)).count == 4)
        #expect(pair.b.receive(first.datagram, at: SealingFixture.at(1.1)).0 == .dropped(.replayedHandshake))
        #expect(pair.a.registry.counters.hellosSent == 2)
    }

    @Test func lostConfirmIsResentUntilTheEchoArrives() throws {
        let pair = try BridgePair()
        let hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.at(0)))
        guard case .handshake(_, let ack?) = pair.b.receive(hello.datagram).0,
              case .handshake(_, let lostConfirm?) = pair.a.receive(ack).0 else {
            Issue.record("handshake did not progress")
            return
        }
        #expect(lostConfirm.count == 32)
        #expect(pair.b.registry.status(pair.b.handle("ams-1"))?.state == .handshaking)
        #expect(throws: SealError.noSession(peer: "ams-1")) { try pair.b.seal([1], to: "ams-1") }
        let resent = pair.tick(pair.a, at: SealingFixture.at(1))
        #expect(resent.count == 2)   // confirm, echo
        #expect(pair.b.registry.status(pair.b.handle("ams-1"))?.state == .established)
        #expect(pair.tick(pair.a, at: SealingFixture.at(2)).isEmpty)
    }

    @Test func initiationNeverConfirmedIsStartedOver() throws {
        let pair = try BridgePair()
        let hello = try #require(pair.a.registry.connect(to: pair.a.handle("nyc-1"), now: SealingFixture.at(0)))
        guard case .handshake(_, let ack?) = pair.b.receive(hello.datagram).0 else {
            Issue.record("no hello-ack")
            return
        }
        _ = pair.a.receive(ack)   // confirm lost, and so is every resend below
        for second in 1...4 {
            let sent = pair.a.registry.tick(now: SealingFixture.at(Double(second)))
            #expect(sent.count == 1 && sent.first?.datagram.count == 32)
        }
        let restart = pair.a.registry.tick(now: SealingFixture.at(5))
        #expect(restart.count == 1 && restart.first?.datagram.count == 104)
        #expect(pair.exchange(restart[0].datagram, to: pair.b, at: SealingFixture.at(5)).count == 4)
        #expect(pair.b.open(try pair.a.seal([1], to: "nyc-1", at: SealingFixture.at(5)),
                            at: SealingFixture.at(5)) == .success([1]))
    }

    @Test func responderSealsWithWorkingSessionUntilNewOneIsConfirmed() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a)
        let oldKeyId = try #require(pair.b.registry.status(pair.b.handle("ams-1"))?.outboundKeyId)
        let hello = try #require(pair.a.registry.renew(pair.a.handle("nyc-1"), now: SealingFixture.at(1)))
        guard case .handshake(_, let ack?) = pair.b.receive(hello.datagram, at: SealingFixture.at(1)).0 else {
            Issue.record("no hello-ack")
            return
        }
        // nyc-1 answered but has not heard the new keys in use: it still seals with the old ones.
        let stillOld = try pair.b.seal([1], to: "ams-1", at: SealingFixture.at(1))
        #expect(stillOld[2] == oldKeyId)
        guard case .handshake(_, let confirm?) = pair.a.receive(ack, at: SealingFixture.at(1)).0 else {
            Issue.record("no confirm")
            return
        }
        // ams-1 switched; the old session is in its grace period and still opens.
        #expect(pair.a.open(stillOld, at: SealingFixture.at(1)) == .success([1]))
        pair.exchange(confirm, to: pair.b, at: SealingFixture.at(1))
        let new = try pair.b.seal([2], to: "ams-1", at: SealingFixture.at(1))
        #expect(new[2] != oldKeyId)
        #expect(pair.a.open(new, at: SealingFixture.at(1)) == .success([2]))
    }
}
