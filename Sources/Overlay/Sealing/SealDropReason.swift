/// Why an inbound datagram on the cascade port was dropped.
///
/// Every datagram that does not yield a payload or advance a handshake is
/// counted under exactly one reason (`SealCounters`). Reasons that are decided
/// before the tag is checked (`truncated`, `malformed`, `unknownSender`,
/// `unknownKey`, `retiredKey`, and the cheap pre-check for `replayed`/`tooOld`)
/// are read from an unauthenticated header: they label garbage, they never
/// change a peer's state.
public enum SealDropReason: Sendable, CaseIterable, CustomStringConvertible {
    /// Shorter than its message type needs (header + tag for sealed messages,
    /// the fixed size for handshake messages).
    case truncated
    /// Unknown version or message type, a non-zero reserved octet, a
    /// handshake message of the wrong length, a hello that does not offer
    /// ChaCha20-Poly1305, or a hello-ack choosing an unknown cipher suite or
    /// one the hello did not offer.
    case malformed
    /// The link index (or, in a hello, the static key) names no peer of this bridge.
    case unknownSender
    /// The key id is not one this bridge has handed to that peer.
    case unknownKey
    /// The key id of the session that just ended: its grace period is over, it
    /// expired, or the peer restarted and set up a new one.
    case retiredKey
    /// The Poly1305 tag or handshake MAC did not verify: a tampered header,
    /// ciphertext or tag, or a sender without the right keys.
    case authenticationFailed
    /// The counter was already accepted under this key (a duplicate or a
    /// replay; a forgery reusing a seen counter lands here too, undecrypted).
    case replayed
    /// The counter is 2,048 or more below the highest accepted one.
    case tooOld
    /// A hello whose timestamp is not newer than the last accepted hello from
    /// that peer: a replayed handshake.
    case replayedHandshake
    /// A hello-ack that answers no hello in flight, or a hello that lost a
    /// simultaneous-initiation tie-break (the peer will answer ours instead).
    case unexpectedHandshake
    /// A hello or hello-ack whose ephemeral key is a low-order point (the
    /// Diffie-Hellman result would be all zeros). Only a broken or malicious
    /// peer sends one.
    case weakEphemeralKey

    /// Stable snake_case name for metrics labels.
    public var description: String {
        switch self {
        case .truncated: "truncated"
        case .malformed: "malformed"
        case .unknownSender: "unknown_sender"
        case .unknownKey: "unknown_key"
        case .retiredKey: "retired_key"
        case .authenticationFailed: "authentication_failed"
        case .replayed: "replayed"
        case .tooOld: "too_old"
        case .replayedHandshake: "replayed_handshake"
        case .unexpectedHandshake: "unexpected_handshake"
        case .weakEphemeralKey: "weak_ephemeral_key"
        }
    }
}

extension SealDropReason: Error {}
