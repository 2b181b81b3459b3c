/// The 16-octet header of a sealed datagram (data or confirm), and the
/// associated data of its AEAD: every header bit is authenticated.
///
///      0               1               2               3
///     +---------------+---------------+---------------+---------------+
///   0 |  version = 1  | type (1 or 2) |    key id     |   0 (rsvd)    |
///     +---------------+---------------+---------------+---------------+
///   4 |          link index (big-endian, chosen by the receiver)      |
///     +---------------------------------------------------------------+
///   8 |                                                               |
///     +              counter (big-endian u64) = nonce                 +
///  12 |                                                               |
///     +---------------------------------------------------------------+
///  16 |              ciphertext (as long as the plaintext)            |
///     ~                                                               ~
///     +---------------------------------------------------------------+
///  -16|        AEAD tag (16 octets: Poly1305 or GCM, per session)     |
///     +---------------------------------------------------------------+
///
/// - *link index*: the number the receiver assigned to the sender in the
///   handshake; the receiver finds the sender's state with one array lookup
///   and never hashes a bridge id on the packet path. It is random per boot,
///   so packets addressed to a previous incarnation of a bridge name nobody.
/// - *key id*: also chosen by the receiver, one per session, so the receiver
///   can hold the current, the previous (grace period) and the next (being
///   confirmed) session of a peer at once and pick the right key directly.
/// - *counter*: the sender's message number under this key, starting at 0;
///   it is both the AEAD nonce (`EnvelopeCipher`) and the replay-window
///   sequence (`ReplayWindow`).
///
/// Overhead per datagram: 16 (header) + 16 (tag) = 32 octets.
public struct SealHeader: Sendable, Equatable {
    public static let size = 16
    public static let version: UInt8 = 1

    public var type: SealMessageType
    public var keyId: UInt8
    public var linkIndex: UInt32
    public var counter: UInt64

    public init(type: SealMessageType, keyId: UInt8, linkIndex: UInt32, counter: UInt64) {
        self.type = type
        self.keyId = keyId
        self.linkIndex = linkIndex
        self.counter = counter
    }

    /// Parses the header of a sealed datagram (`bytes` is the whole datagram).
    /// Throws `.truncated` when there is no room for header and tag, and
    /// `.malformed` for a wrong version, a handshake type or a reserved bit.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(SealDropReason) {
        guard bytes.count >= SealHeader.size + EnvelopeCipher.tagSize else { throw .truncated }
        guard bytes[0] == SealHeader.version, bytes[3] == 0 else { throw .malformed }
        switch SealMessageType(rawValue: bytes[1]) {
        case .data?: type = .data
        case .confirm?: type = .confirm
        case .hello?, .helloAck?, nil: throw .malformed
        }
        keyId = bytes[2]
        linkIndex = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        counter = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Writes the 16 octets at the start of `buffer` (which must hold them).
    public func write(to buffer: UnsafeMutableRawBufferPointer) {
        buffer[0] = SealHeader.version
        buffer[1] = type.rawValue
        buffer[2] = keyId
        buffer[3] = 0
        buffer.storeBytes(of: linkIndex.bigEndian, toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: counter.bigEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// Total datagram size for a payload of `payloadLength` octets.
    public static func sealedSize(payloadLength: Int) -> Int {
        size + payloadLength + EnvelopeCipher.tagSize
    }
}
