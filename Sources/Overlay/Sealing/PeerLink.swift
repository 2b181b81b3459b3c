/// Everything one bridge holds about one peer: the static secrets, the
/// handshake in flight, and up to three sessions told apart by key id.
///
/// Sessions, by the key id the peer puts on its datagrams:
/// - `current`: the one this bridge seals with;
/// - `next`: a responder's new session, derived when it answered a hello and
///   made current when the first datagram opens under it (the initiator's
///   confirm, or data) — never before, so a replayed hello cannot make a
///   bridge abandon a working session;
/// - `previous`: the session just replaced, still opening datagrams until the
///   grace period ends, then remembered only by key id (`retired`) so late
///   datagrams are counted as `retiredKey`, not `unknownKey`.
///
/// Concurrency: single-threaded, owned by the `SealRegistry`.
final class PeerLink {
    /// The handshake this bridge started, if any.
    enum HandshakeState {
        case idle
        case awaitingAck(PendingHello)
    }

    struct PendingHello {
        let ephemeral: EphemeralKey
        let message: [UInt8]
        /// The suites the hello offered: the ack must choose one of them.
        let offered: Set<EnvelopeCipher.Suite>
        let keyId: UInt8
        let timestamp: UInt64
        let sentAt: ContinuousClock.Instant
    }

    enum PreviousSession {
        case none
        case grace(LinkSession, until: ContinuousClock.Instant)
        case retired(keyId: UInt8)
    }

    enum KeyLookup {
        case current(LinkSession)
        case next(LinkSession)
        case previous(LinkSession)
        case retired
        case unknown
    }

    let identity: SealPeerIdentity
    let localIndex: UInt32
    let secrets: StaticLinkSecrets
    /// Keep this link up: set by `connect(to:)` and by sealing to the peer.
    var wanted = false
    var handshake: HandshakeState = .idle
    var current: LinkSession?
    var next: LinkSession?
    var previous: PreviousSession = .none
    /// The newest hello timestamp accepted from the peer (replay guard).
    var lastHelloTimestamp: UInt64 = 0
    private var lastKeyId: UInt8

    init(identity: SealPeerIdentity, localIndex: UInt32, secrets: StaticLinkSecrets, firstKeyId: UInt8) {
        self.identity = identity
        self.localIndex = localIndex
        self.secrets = secrets
        lastKeyId = firstKeyId &- 1
    }

    var handle: SealPeerHandle { SealPeerHandle(rawValue: localIndex) }

    func lookup(keyId: UInt8, now: ContinuousClock.Instant) -> KeyLookup {
        if let current, current.inboundKeyId == keyId { return .current(current) }
        if let next, next.inboundKeyId == keyId { return .next(next) }
        switch previous {
        case .grace(let session, let until) where session.inboundKeyId == keyId:
            return now < until ? .previous(session) : .retired
        case .retired(let retired) where retired == keyId:
            return .retired
        case .none, .grace, .retired:
            return .unknown
        }
    }

    /// A key id for a new inbound session, distinct from every id still in use
    /// or remembered for this peer.
    func allocateKeyId() -> UInt8 {
        var inUse: Set<UInt8> = []
        if let current { inUse.insert(current.inboundKeyId) }
        if let next { inUse.insert(next.inboundKeyId) }
        if case .awaitingAck(let pending) = handshake { inUse.insert(pending.keyId) }
        switch previous {
        case .grace(let session, _): inUse.insert(session.inboundKeyId)
        case .retired(let keyId): inUse.insert(keyId)
        case .none: break
        }
        repeat { lastKeyId &+= 1 } while inUse.contains(lastKeyId)
        return lastKeyId
    }

    /// Makes `session` current. The old current gets the grace period — unless
    /// the peer restarted (its boot id changed: nothing legitimate can still
    /// come under the old keys, so they retire at once) or the peer never used
    /// it (an unconfirmed initiation: keep the previous session the peer may
    /// still be sending on).
    func install(_ session: LinkSession, now: ContinuousClock.Instant, policy: SealPolicy) {
        if let old = current {
            if old.peerBootId != session.peerBootId {
                previous = .retired(keyId: old.inboundKeyId)
            } else if old.heardFromPeer {
                previous = .grace(old, until: now + policy.gracePeriod)
            } else if case .grace = previous {
                // keep it
            } else {
                previous = .retired(keyId: old.inboundKeyId)
            }
        }
        if case .grace(let old, _) = previous, old.peerBootId != session.peerBootId {
            previous = .retired(keyId: old.inboundKeyId)
        }
        current = session
    }

    /// Time- and count-based endings: grace over, hard limits reached, an
    /// answered hello never confirmed.
    func expire(now: ContinuousClock.Instant, policy: SealPolicy) {
        if case .grace(let session, let until) = previous, now >= until {
            previous = .retired(keyId: session.inboundKeyId)
        }
        if let session = current, now >= session.rejectAt || session.sendCounter >= session.rejectAfterPackets {
            previous = .retired(keyId: session.inboundKeyId)
            current = nil
        }
        if let session = next, now >= session.establishedAt + policy.confirmTimeout {
            next = nil
        }
    }
}

@available(*, unavailable)
extension PeerLink: Sendable {}
