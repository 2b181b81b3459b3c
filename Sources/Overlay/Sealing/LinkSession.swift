/// One session with one peer: the keys, counters and replay window that one
/// completed handshake produced.
///
/// Keys are directional (`sendKey` is the peer's `receiveKey`), so the send
/// counter alone makes every nonce unique. The AEAD (`suite`) is the one the
/// handshake that made the session negotiated; both directions use it, and a
/// later session may use another (each handshake negotiates afresh). A
/// session is replaced by the next handshake, lingers for the grace period as
/// *previous* (receive only), and is then forgotten; its `SecretBytes` are
/// wiped when the last reference goes.
///
/// Concurrency: single-threaded, owned by the `SealRegistry` through `PeerLink`.
final class LinkSession {
    enum Role: Equatable {
        /// This bridge sent the hello.
        case initiator
        /// This bridge answered the hello.
        case responder
    }

    let role: Role
    let suite: EnvelopeCipher.Suite
    /// Chosen by this bridge; the peer writes it on datagrams it sends here.
    let inboundKeyId: UInt8
    /// Chosen by the peer; this bridge writes it on datagrams it sends there.
    let outboundKeyId: UInt8
    /// The link index the peer assigned to this bridge.
    let outboundLinkIndex: UInt32
    let sendKey: SecretBytes
    let receiveKey: SecretBytes
    let peerBootId: UInt64
    let establishedAt: ContinuousClock.Instant
    /// Hard time limit: past it the session neither seals nor opens.
    let rejectAt: ContinuousClock.Instant
    /// The policy's packet limits, lowered to the suite's own (`Suite.packetLimits`).
    let rekeyAfterPackets: UInt64
    let rejectAfterPackets: UInt64

    /// The counter of the next datagram sealed under this session.
    var sendCounter: UInt64 = 0
    var window = ReplayWindow()
    /// Whether any datagram from the peer has opened under this session — for
    /// an initiator, the proof that the responder switched to it.
    var heardFromPeer = false
    /// When this side last sent a confirm under this session.
    var lastConfirmSentAt: ContinuousClock.Instant?

    init(role: Role, suite: EnvelopeCipher.Suite, inboundKeyId: UInt8, outboundKeyId: UInt8,
         outboundLinkIndex: UInt32, sendKey: SecretBytes, receiveKey: SecretBytes, peerBootId: UInt64,
         now: ContinuousClock.Instant, policy: SealPolicy) {
        self.role = role
        self.suite = suite
        self.inboundKeyId = inboundKeyId
        self.outboundKeyId = outboundKeyId
        self.outboundLinkIndex = outboundLinkIndex
        self.sendKey = sendKey
        self.receiveKey = receiveKey
        self.peerBootId = peerBootId
        establishedAt = now
        rejectAt = now + policy.rejectAfterTime
        rekeyAfterPackets = min(policy.rekeyAfterPackets, suite.packetLimits.rekey)
        rejectAfterPackets = min(policy.rejectAfterPackets, suite.packetLimits.reject)
    }

    /// Whether the hard limits still allow sealing.
    func canSeal(now: ContinuousClock.Instant) -> Bool {
        sendCounter < rejectAfterPackets && now < rejectAt
    }

    /// Seals in place under the next counter (the caller checked `canSeal` and the buffer size).
    func seal(type: SealMessageType, payloadLength: Int, in buffer: UnsafeMutableRawBufferPointer) {
        let header = SealHeader(type: type, keyId: outboundKeyId, linkIndex: outboundLinkIndex,
                                counter: sendCounter)
        EnvelopeCipher.seal(suite: suite, header: header, payloadLength: payloadLength, key: sendKey, buffer: buffer)
        sendCounter += 1
    }

    /// Window check, tag check, then — only if both pass — the window update.
    func open(header: SealHeader, datagram: UnsafeMutableRawBufferPointer) -> SealDropReason? {
        switch window.check(header.counter) {
        case .fresh: break
        case .replayed: return .replayed
        case .tooOld: return .tooOld
        }
        guard EnvelopeCipher.open(suite: suite, datagram: datagram, key: receiveKey) else {
            return .authenticationFailed
        }
        window.commit(header.counter)
        heardFromPeer = true
        return nil
    }

    /// Whether this session is due for renewal (time or packets).
    func rekeyDue(now: ContinuousClock.Instant, policy: SealPolicy) -> Bool {
        if sendCounter >= rekeyAfterPackets { return true }
        let age = role == .initiator ? policy.rekeyAfterTime : policy.responderRekeyAfterTime
        return now >= establishedAt + age
    }
}

@available(*, unavailable)
extension LinkSession: Sendable {}
