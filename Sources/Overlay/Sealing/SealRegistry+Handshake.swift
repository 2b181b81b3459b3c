import CSodium
import Topology

/// The handshake (see `HandshakeHello`, `HandshakeHelloAck`):
///
///     initiator                                      responder
///     hello(ephemeral eI, key id, index, boot, ts) ─►  MAC ok, ts newer → derive; `next`
///     derive; current ◄─ hello-ack(eR, key id, index, boot, MAC over hello ‖ ack)
///     confirm (sealed, empty, new keys) ───────────►  opens under `next` → current
///                                    ◄─────────────── confirm (echo)
///
/// The initiator switches when the hello-ack verifies (its MAC covers the
/// hello, so it answers this very attempt); the responder switches when the
/// first datagram opens under the new keys; both keep the old session for the
/// grace period. Lost messages are repaired by `tick`: hellos are retried with
/// a fresh ephemeral key, confirms are resent until the peer's echo (or any
/// data) arrives, and an initiation never confirmed is started over.
/// When both sides send a hello at once, the bridge whose id sorts first keeps
/// its own; the other answers it.
extension SealRegistry {
    /// Marks the link as wanted (kept up and renewed by `tick`) and returns a
    /// hello to send now, unless a session or handshake already exists.
    public func connect(to peer: SealPeerHandle, now: ContinuousClock.Instant) -> SealOutbound? {
        guard let link = link(peer.rawValue) else { return nil }
        link.wanted = true
        guard link.current == nil, link.next == nil, case .idle = link.handshake else { return nil }
        return startHandshake(link, now: now)
    }

    /// Starts a new handshake even though a session exists — for the link
    /// layer when its liveness check (ping/pong) fails: the peer may have
    /// restarted without contacting this bridge, and would drop everything
    /// sealed under the old session as `unknownSender`. `nil` if a handshake
    /// is already in flight.
    public func renew(_ peer: SealPeerHandle, now: ContinuousClock.Instant) -> SealOutbound? {
        guard let link = link(peer.rawValue) else { return nil }
        link.wanted = true
        guard case .idle = link.handshake else { return nil }
        return startHandshake(link, now: now)
    }

    /// Timers: retries lost hellos and confirms, renews sessions by age or
    /// packet count, ends grace periods and expired sessions. Call it at least
    /// once a second; send every returned datagram to its peer.
    public func tick(now: ContinuousClock.Instant) -> [SealOutbound] {
        var outbound: [SealOutbound] = []
        for case let link? in links {
            link.expire(now: now, policy: policy)
            if case .awaitingAck(let pending) = link.handshake {
                if now >= pending.sentAt + policy.handshakeRetry { outbound.append(startHandshake(link, now: now)) }
                continue
            }
            guard link.wanted else { continue }
            guard let current = link.current else {
                if link.next == nil { outbound.append(startHandshake(link, now: now)) }
                continue
            }
            if current.role == .initiator, !current.heardFromPeer {
                if now >= current.establishedAt + policy.confirmTimeout {
                    outbound.append(startHandshake(link, now: now))
                } else if now >= (current.lastConfirmSentAt ?? current.establishedAt) + policy.handshakeRetry,
                          let confirm = sealConfirm(current, now: now) {
                    outbound.append(SealOutbound(peer: link.handle, peerId: link.identity.id, datagram: confirm))
                }
                continue
            }
            if link.next == nil, current.rekeyDue(now: now, policy: policy) {
                outbound.append(startHandshake(link, now: now))
            }
        }
        return outbound
    }

    /// A new hello with a fresh ephemeral key; replaces any attempt in flight.
    func startHandshake(_ link: PeerLink, now: ContinuousClock.Instant) -> SealOutbound {
        link.handshake = .idle
        let ephemeral = EphemeralKey()
        let keyId = link.allocateKeyId()
        lastTimestamp = max(wallClock(), lastTimestamp &+ 1)
        let hello = HandshakeHello(keyId: keyId, suites: policy.ciphers, linkIndex: link.localIndex,
                                   bootId: bootId, timestamp: lastTimestamp, staticKey: localKey.publicKey.bytes,
                                   ephemeralKey: ephemeral.publicKey)
        let message = hello.encoded(macKey: link.secrets.sendMACKey)
        link.handshake = .awaitingAck(PeerLink.PendingHello(ephemeral: ephemeral, message: message,
                                                            offered: policy.ciphers, keyId: keyId,
                                                            timestamp: lastTimestamp, sentAt: now))
        counters.hellosSent &+= 1
        return SealOutbound(peer: link.handle, peerId: link.identity.id, datagram: message)
    }

    func receiveHello(_ datagram: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> SealInbound {
        let hello: HandshakeHello
        do { hello = try HandshakeHello(parsing: datagram) } catch { return drop(error) }
        guard let key = PublicKey(bytes: hello.staticKey), let slot = slotsByKey[key], let link = links[slot] else {
            return drop(.unknownSender)
        }
        let message = Array(datagram)
        guard StaticLinkSecrets.verify(mac: message[HandshakeHello.macOffset...],
                                       over: Array(message[..<HandshakeHello.macOffset]),
                                       key: link.secrets.receiveMACKey) else {
            return drop(.authenticationFailed)
        }
        // Authentic from here on (but possibly a replay).
        guard hello.timestamp > link.lastHelloTimestamp else { return drop(.replayedHandshake) }
        if case .awaitingAck = link.handshake, StaticLinkSecrets.isClient(localId: localId, peerId: link.identity.id) {
            return drop(.unexpectedHandshake)
        }
        // Never nil between conforming bridges: both offer ChaCha20-Poly1305.
        guard let suite = EnvelopeCipher.Suite.choose(offered: hello.suites, supported: policy.ciphers) else {
            return drop(.malformed)
        }
        let ephemeral = EphemeralKey()
        let keyId = link.allocateKeyId()
        let ack = HandshakeHelloAck(keyId: keyId, suite: suite, receiverLinkIndex: hello.linkIndex,
                                    linkIndex: link.localIndex, bootId: bootId, helloTimestamp: hello.timestamp,
                                    ephemeralKey: ephemeral.publicKey)
        let reply = ack.encoded(answering: message, macKey: link.secrets.sendMACKey)
        guard let keys = SessionKeyDerivation.derive(binding: link.secrets.binding, ephemeral: ephemeral,
                                                     peerEphemeral: hello.ephemeralKey,
                                                     hello: message, helloAck: reply) else {
            return drop(.weakEphemeralKey)
        }
        link.handshake = .idle
        link.lastHelloTimestamp = hello.timestamp
        link.next = LinkSession(role: .responder, suite: suite, inboundKeyId: keyId,
                                outboundKeyId: hello.keyId, outboundLinkIndex: hello.linkIndex,
                                sendKey: keys.responderToInitiator,
                                receiveKey: keys.initiatorToResponder, peerBootId: hello.bootId,
                                now: now, policy: policy)
        return .handshake(link.handle, reply: reply)
    }

    func receiveHelloAck(_ datagram: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> SealInbound {
        let ack: HandshakeHelloAck
        do { ack = try HandshakeHelloAck(parsing: datagram) } catch { return drop(error) }
        guard let link = link(ack.receiverLinkIndex) else { return drop(.unknownSender) }
        guard case .awaitingAck(let pending) = link.handshake, pending.timestamp == ack.helloTimestamp else {
            return drop(.unexpectedHandshake)
        }
        // A choice the hello did not offer: a broken peer or a forgery, either way no session.
        guard pending.offered.contains(ack.suite) else { return drop(.malformed) }
        let message = Array(datagram)
        guard HandshakeHelloAck.verify(message, answering: pending.message, macKey: link.secrets.receiveMACKey) else {
            return drop(.authenticationFailed)
        }
        guard let keys = SessionKeyDerivation.derive(binding: link.secrets.binding, ephemeral: pending.ephemeral,
                                                     peerEphemeral: ack.ephemeralKey,
                                                     hello: pending.message, helloAck: message) else {
            return drop(.weakEphemeralKey)
        }
        let session = LinkSession(role: .initiator, suite: ack.suite, inboundKeyId: pending.keyId,
                                  outboundKeyId: ack.keyId, outboundLinkIndex: ack.linkIndex,
                                  sendKey: keys.initiatorToResponder,
                                  receiveKey: keys.responderToInitiator, peerBootId: ack.bootId,
                                  now: now, policy: policy)
        link.handshake = .idle
        link.install(session, now: now, policy: policy)
        counters.handshakesCompleted &+= 1
        return .handshake(link.handle, reply: sealConfirm(session, now: now))
    }
}
