import Topology

/// A bridge this bridge seals traffic with: its id and its static cascade
/// public key (the topology's `cascade-key`).
public struct SealPeerIdentity: Sendable, Hashable {
    public var id: String
    public var publicKey: PublicKey

    public init(id: String, publicKey: PublicKey) {
        self.id = id
        self.publicKey = publicKey
    }
}

/// A peer of a `SealRegistry`, resolved once (from `registry.peer(id:)`) and
/// then used on the packet path instead of the bridge id.
///
/// The raw value is the *link index* this bridge assigned to the peer: the
/// peer writes it into every datagram it sends here, and the registry finds
/// the peer from it with one array access (low 16 bits: slot; high 16 bits:
/// random per boot and per slot use, so a handle of a removed peer never
/// reaches the peer that took its slot).
public struct SealPeerHandle: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }

    var slot: Int { Int(rawValue & 0xFFFF) }

    public var description: String { "link#\(String(rawValue, radix: 16))" }
}

/// What `SealRegistry.open` made of one inbound datagram.
public enum SealInbound: Sendable, Equatable {
    /// An authentic, fresh payload from `peer`, decrypted in place: the
    /// plaintext is `datagram[range]` (offset 16, the header's size).
    case payload(SealPeerHandle, Range<Int>)
    /// A handshake message (hello, hello-ack, confirm) that was accepted.
    /// Send `reply`, if any, to that peer's overlay address.
    case handshake(SealPeerHandle, reply: [UInt8]?)
    /// Not accepted; already counted in `SealRegistry.counters`.
    case dropped(SealDropReason)
}

/// A handshake datagram the registry wants sent (from `connect` or `tick`).
public struct SealOutbound: Sendable, Equatable {
    public let peer: SealPeerHandle
    public let peerId: String
    public let datagram: [UInt8]
}

/// One peer's link as seen from this bridge, for `status` pages and tests.
public struct SealLinkStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// No session and no handshake in flight.
        case idle
        /// A hello is in flight, or a peer's hello was answered and awaits confirmation.
        case handshaking
        /// A current session exists; datagrams can be sealed.
        case established
    }

    public var peerId: String
    public var state: State
    /// The key id the peer writes on datagrams to us under the current session.
    public var inboundKeyId: UInt8?
    /// The key id we write on datagrams to the peer under the current session.
    public var outboundKeyId: UInt8?
    /// The AEAD the current session seals with (negotiated in its handshake).
    public var suite: EnvelopeCipher.Suite?
    /// Datagrams sealed under the current session.
    public var packetsSent: UInt64
    /// When the current session was set up.
    public var establishedAt: ContinuousClock.Instant?
    /// The peer's boot id as of the current session (changes when it restarts).
    public var peerBootId: UInt64?
    /// Whether the previous session still opens datagrams (grace period).
    public var previousInGrace: Bool
}
