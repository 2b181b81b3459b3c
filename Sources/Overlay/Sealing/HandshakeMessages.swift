/// The two handshake messages. Both are MAC'd, not encrypted: they carry
/// public keys, indexes and random boot ids, nothing secret. The MAC keys come
/// from the static `crypto_kx` of the two bridges (`StaticLinkSecrets`), so only
/// the holder of a bridge's cascade private key can produce them. Fixed sizes;
/// a hello-ack is smaller than the hello it answers, so a spoofed hello cannot
/// make a bridge amplify traffic. All integers are big-endian.
///
/// The AEAD of the session (`EnvelopeCipher.Suite`) is negotiated here: the
/// hello offers, the hello-ack chooses. Both octets are under the MACs (and in
/// the transcript hash of the key derivation), so a man in the middle who
/// rewrites them only breaks the handshake; it cannot downgrade it.
///
/// Hello, initiator → responder (104 octets):
///
///      0        1        2        3
///     +--------+--------+--------+--------+
///   0 | ver=1  | type=3 | key id | suites |   key id: the initiator's inbound key id;
///     +--------+--------+--------+--------+   suites: the AEADs it offers (below)
///   4 |  link index (initiator's for the  |   the responder writes it on every
///     |  responder)                       |   datagram it sends to the initiator
///     +-----------------------------------+
///   8 |  initiator boot id (8)            |   random per process start
///     +-----------------------------------+
///  16 |  timestamp (8), ns since 1970     |   strictly increasing per sender:
///     +-----------------------------------+   the responder drops replays
///  24 |  initiator static public key (32) |   says who is speaking
///     +-----------------------------------+
///  56 |  initiator ephemeral key (32)     |   fresh X25519 per attempt
///     +-----------------------------------+
///  88 |  MAC (16) over octets 0..<88      |   BLAKE2b-128, initiator→responder key
///     +-----------------------------------+
///
/// *suites*, one bit per AEAD (`EnvelopeCipher.Suite.rawValue`): bit 0
/// (0x01) ChaCha20-Poly1305, always set — a hello without it is malformed;
/// bit 1 (0x02) AES-256-GCM, set when the initiator's CPU runs it. Other bits
/// are ignored (a later version may offer more). The octet used to be reserved
/// (must be 0): bridges from before the negotiation and these ones refuse each
/// other's hellos as malformed, so a deployment upgrades all bridges together.
struct HandshakeHello: Equatable {
    static let size = 104
    static let macSize = 16
    static let macOffset = 88

    var keyId: UInt8
    /// The AEADs the initiator offers (always including ChaCha20-Poly1305).
    var suites: Set<EnvelopeCipher.Suite>
    var linkIndex: UInt32
    var bootId: UInt64
    var timestamp: UInt64
    var staticKey: [UInt8]
    var ephemeralKey: [UInt8]

    /// The unauthenticated fields of a hello; `bytes` is the whole message.
    init(parsing bytes: UnsafeRawBufferPointer) throws(SealDropReason) {
        guard bytes.count >= HandshakeHello.size else { throw .truncated }
        guard bytes.count == HandshakeHello.size, bytes[0] == SealHeader.version,
              bytes[1] == SealMessageType.hello.rawValue else { throw .malformed }
        suites = EnvelopeCipher.Suite.offered(in: bytes[3])
        guard suites.contains(.chacha20Poly1305) else { throw .malformed }
        keyId = bytes[2]
        linkIndex = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        bootId = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        timestamp = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        staticKey = Array(bytes[24..<56])
        ephemeralKey = Array(bytes[56..<88])
    }

    init(keyId: UInt8, suites: Set<EnvelopeCipher.Suite>, linkIndex: UInt32, bootId: UInt64,
         timestamp: UInt64, staticKey: [UInt8], ephemeralKey: [UInt8]) {
        self.keyId = keyId
        self.suites = suites
        self.linkIndex = linkIndex
        self.bootId = bootId
        self.timestamp = timestamp
        self.staticKey = staticKey
        self.ephemeralKey = ephemeralKey
    }

    /// The 104 octets, MAC'd with `macKey` (the sender→receiver handshake key).
    func encoded(macKey: SecretBytes) -> [UInt8] {
        var out: [UInt8] = [SealHeader.version, SealMessageType.hello.rawValue, keyId,
                            EnvelopeCipher.Suite.offerOctet(suites)]
        out.appendBigEndian(linkIndex)
        out.appendBigEndian(bootId)
        out.appendBigEndian(timestamp)
        out += staticKey
        out += ephemeralKey
        out += StaticLinkSecrets.mac(out, key: macKey)
        return out
    }
}

/// Hello-ack, responder → initiator (76 octets):
///
///      0        1        2        3
///     +--------+--------+--------+--------+
///   0 | ver=1  | type=4 | key id | suite  |   key id: the responder's inbound key id;
///     +--------+--------+--------+--------+   suite: the AEAD chosen (below)
///   4 |  link index from the hello        |   the initiator finds its state by it,
///     +-----------------------------------+   as for any sealed datagram
///   8 |  link index (responder's for the  |
///     |  initiator)                       |
///     +-----------------------------------+
///  12 |  responder boot id (8)            |
///     +-----------------------------------+
///  20 |  timestamp of the hello (8)       |   lets the initiator tell an answer to
///     +-----------------------------------+   an earlier attempt from a forgery
///  28 |  responder ephemeral key (32)     |
///     +-----------------------------------+
///  60 |  MAC (16) over hello ‖ octets 0..<60 |  BLAKE2b-128, responder→initiator key;
///     +-----------------------------------+    covering the whole hello binds the
///                                              answer to that one attempt
///
/// *suite*, one value (`EnvelopeCipher.Suite.rawValue`): 0x02 AES-256-GCM if
/// the hello offered it and the responder runs it, else 0x01
/// ChaCha20-Poly1305. Any other value, or a suite the hello did not offer, is
/// malformed: the initiator drops the ack and no session is made.
struct HandshakeHelloAck: Equatable {
    static let size = 76
    static let macOffset = 60

    var keyId: UInt8
    /// The responder's choice among the hello's offer.
    var suite: EnvelopeCipher.Suite
    var receiverLinkIndex: UInt32
    var linkIndex: UInt32
    var bootId: UInt64
    var helloTimestamp: UInt64
    var ephemeralKey: [UInt8]

    init(parsing bytes: UnsafeRawBufferPointer) throws(SealDropReason) {
        guard bytes.count >= HandshakeHelloAck.size else { throw .truncated }
        guard bytes.count == HandshakeHelloAck.size, bytes[0] == SealHeader.version,
              bytes[1] == SealMessageType.helloAck.rawValue,
              let suite = EnvelopeCipher.Suite(rawValue: bytes[3]) else { throw .malformed }
        keyId = bytes[2]
        self.suite = suite
        receiverLinkIndex = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        linkIndex = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        bootId = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
        helloTimestamp = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 20, as: UInt64.self))
        ephemeralKey = Array(bytes[28..<60])
    }

    init(keyId: UInt8, suite: EnvelopeCipher.Suite, receiverLinkIndex: UInt32, linkIndex: UInt32,
         bootId: UInt64, helloTimestamp: UInt64, ephemeralKey: [UInt8]) {
        self.keyId = keyId
        self.suite = suite
        self.receiverLinkIndex = receiverLinkIndex
        self.linkIndex = linkIndex
        self.bootId = bootId
        self.helloTimestamp = helloTimestamp
        self.ephemeralKey = ephemeralKey
    }

    /// The 76 octets, MAC'd over `hello ‖ octets 0..<60` with `macKey`.
    func encoded(answering hello: [UInt8], macKey: SecretBytes) -> [UInt8] {
        var out: [UInt8] = [SealHeader.version, SealMessageType.helloAck.rawValue, keyId, suite.rawValue]
        out.appendBigEndian(receiverLinkIndex)
        out.appendBigEndian(linkIndex)
        out.appendBigEndian(bootId)
        out.appendBigEndian(helloTimestamp)
        out += ephemeralKey
        out += StaticLinkSecrets.mac(hello + out, key: macKey)
        return out
    }

    /// Whether `ack` (the whole message) carries a valid MAC for `hello`.
    static func verify(_ ack: [UInt8], answering hello: [UInt8], macKey: SecretBytes) -> Bool {
        StaticLinkSecrets.verify(mac: ack[macOffset...], over: hello + ack[..<macOffset], key: macKey)
    }
}

fileprivate extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
