/// A STUN message (RFC 5389 / RFC 8489): header, transaction id and
/// attributes.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// |                     Transaction ID (96 bits)                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// (RFC 5389 §6; Message Length counts the attribute bytes after the header.)
///
/// STUN is off the hot path (a few connectivity checks per second per
/// participant), so a message is an ordinary value with an attribute array.
/// `attributes` holds the attributes in wire order except MESSAGE-INTEGRITY
/// and FINGERPRINT: the encoder computes and appends those itself, and the
/// parser records where they were so that `verifyMessageIntegrity(key:)` and
/// `verifyFingerprint()` can check the datagram exactly as received.
/// Attributes that follow MESSAGE-INTEGRITY (other than FINGERPRINT) are
/// dropped, as RFC 5389 §15.4 requires.
///
/// Concurrency: a plain `Sendable` value.
public struct STUNMessage: Sendable {
    public static let headerLength = 20
    public static let magicCookie: UInt32 = 0x2112_A442

    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    /// Attributes in wire order, without MESSAGE-INTEGRITY and FINGERPRINT.
    public var attributes: [STUNAttribute]
    /// Comprehension-required attribute types (below 0x8000) this
    /// implementation does not understand, in wire order; a request with any
    /// gets a 420 listing them.
    public private(set) var unknownComprehensionRequired: [STUNAttributeType] = []

    /// The datagram as received; empty for a message built locally.
    private(set) var received: [UInt8] = []
    /// Offset of the MESSAGE-INTEGRITY attribute header in `received`.
    private(set) var messageIntegrityOffset: Int?
    /// Offset of the FINGERPRINT attribute header in `received`.
    private(set) var fingerprintOffset: Int?

    /// A message to encode.
    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// Whether the received datagram carried MESSAGE-INTEGRITY.
    public var hasMessageIntegrity: Bool { messageIntegrityOffset != nil }
    /// Whether the received datagram carried FINGERPRINT.
    public var hasFingerprint: Bool { fingerprintOffset != nil }

    /// Parses a datagram (copied: STUN is off the hot path).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(STUNError) {
        try self.init(parsing: Array(bytes))
    }

    /// Parses and validates a datagram.
    ///
    /// - Throws: `STUNError` when the header is not STUN (top bits, magic
    ///   cookie, length), an attribute runs past the end, a known attribute
    ///   has the wrong size, or anything follows FINGERPRINT.
    public init(parsing bytes: [UInt8]) throws(STUNError) {
        let count = bytes.count
        guard count >= Self.headerLength else { throw .tooShort(length: count) }
        guard bytes[0] & 0xC0 == 0 else { throw .notSTUN(firstByte: bytes[0]) }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length % 4 == 0 else { throw .lengthNotMultipleOfFour(length) }
        guard Self.headerLength + length == count else {
            throw .lengthMismatch(declared: length, actual: count - Self.headerLength)
        }
        let cookie = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        guard cookie == Self.magicCookie else { throw .badMagicCookie(cookie) }

        type = STUNMessageType(rawValue: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
        transactionID = STUNTransactionID(unchecked: Array(bytes[8 ..< 20]))
        attributes = []
        received = bytes

        var offset = Self.headerLength
        while offset < count {
            // The length is a multiple of 4, so 4 header bytes are always here.
            let attributeType = STUNAttributeType(rawValue: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
            let valueLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let valueStart = offset + 4
            let next = valueStart + ((valueLength + 3) & ~3)
            guard next <= count else {
                throw .attributeTruncated(type: attributeType, declared: valueLength, remaining: count - valueStart)
            }
            guard fingerprintOffset == nil else { throw .attributeAfterFingerprint(type: attributeType) }
            let value = Array(bytes[valueStart ..< valueStart + valueLength])

            switch attributeType {
            case .fingerprint:
                try Self.validate(attributeType, value)
                fingerprintOffset = offset
            case _ where messageIntegrityOffset != nil:
                break  // RFC 5389 §15.4: ignored after MESSAGE-INTEGRITY.
            case .messageIntegrity:
                try Self.validate(attributeType, value)
                messageIntegrityOffset = offset
            default:
                try Self.validate(attributeType, value)
                if attributeType.isComprehensionRequired,
                   !STUNAttributeType.understoodComprehensionRequired.contains(attributeType) {
                    unknownComprehensionRequired.append(attributeType)
                }
                attributes.append(STUNAttribute(type: attributeType, value: value))
            }
            offset = next
        }
    }

    /// The first attribute of `type`, if any.
    public func attribute(_ type: STUNAttributeType) -> STUNAttribute? {
        attributes.first { $0.type == type }
    }

    /// Rejects known attributes whose values cannot be what their RFC says,
    /// so that the typed accessors never see a malformed value.
    private static func validate(_ type: STUNAttributeType, _ value: [UInt8]) throws(STUNError) {
        func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws(STUNError) {
            guard condition else { throw .invalidAttribute(type: type, reason: reason()) }
        }
        switch type {
        case .messageIntegrity:
            try require(value.count == STUNMessageIntegrity.length, "\(value.count) bytes, HMAC-SHA1 needs 20")
        case .fingerprint:
            try require(value.count == 4, "\(value.count) bytes, CRC-32 needs 4")
        case .priority:
            try require(value.count == 4, "\(value.count) bytes, a priority needs 4")
        case .useCandidate:
            try require(value.isEmpty, "\(value.count) bytes, USE-CANDIDATE is empty")
        case .iceControlled, .iceControlling:
            try require(value.count == 8, "\(value.count) bytes, a tie-breaker needs 8")
        case .username:
            try require(value.count < 513, "\(value.count) bytes, at most 512 allowed (RFC 5389 §15.3)")
        case .xorMappedAddress, .mappedAddress:
            try require(value.count >= 4, "\(value.count) bytes, family and port need 4")
            switch value[1] {
            case 0x01: try require(value.count == 8, "IPv4 needs 8 bytes, not \(value.count)")
            case 0x02: try require(value.count == 20, "IPv6 needs 20 bytes, not \(value.count)")
            default: try require(false, "unknown address family \(value[1])")
            }
        case .errorCode:
            try require(STUNErrorCode(value: value) != nil, "class/number out of range or shorter than 4 bytes")
        case .unknownAttributes:
            try require(value.count % 2 == 0, "\(value.count) bytes, a list of 16-bit types needs an even count")
        default:
            break
        }
    }
}
