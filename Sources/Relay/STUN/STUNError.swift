/// Why a datagram is not a STUN message the bridge accepts, or why a message
/// could not be encoded.
///
/// Parsing errors come from peers (or from noise on the media port): the
/// bridge drops such datagrams silently, as RFC 5389 §7.3 asks, and counts
/// them. Each message names what was wrong so the counter can be traced.
public enum STUNError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shorter than the 20-byte header.
    case tooShort(length: Int)
    /// The two most significant bits are not zero (RFC 5389 §6): not STUN.
    case notSTUN(firstByte: UInt8)
    /// The magic cookie is not 0x2112A442 (a classic RFC 3489 client, or noise).
    case badMagicCookie(UInt32)
    /// The header's length field does not match the datagram.
    case lengthMismatch(declared: Int, actual: Int)
    /// The header's length field is not a multiple of 4.
    case lengthNotMultipleOfFour(Int)
    /// An attribute's length (or its padding) runs past the message.
    case attributeTruncated(type: STUNAttributeType, declared: Int, remaining: Int)
    /// A known attribute with a value of the wrong shape.
    case invalidAttribute(type: STUNAttributeType, reason: String)
    /// An attribute after FINGERPRINT, which must be last (RFC 5389 §15.5).
    case attributeAfterFingerprint(type: STUNAttributeType)
    /// Encoding: an attribute value longer than its 16-bit length field allows.
    case attributeTooLong(type: STUNAttributeType, length: Int)
    /// Encoding: the attributes do not fit the 16-bit message length.
    case messageTooLong(length: Int)
    /// OpenSSL could not compute HMAC-SHA1 (a broken libcrypto).
    case integrityComputationFailed

    public var description: String {
        switch self {
        case let .tooShort(length):
            "STUN message of \(length) bytes is shorter than the 20-byte header"
        case let .notSTUN(firstByte):
            "datagram starting with 0x\(String(firstByte, radix: 16)) is not STUN (the two top bits must be zero)"
        case let .badMagicCookie(cookie):
            "STUN magic cookie is 0x\(String(cookie, radix: 16)), expected 0x2112a442 (RFC 3489 clients are not supported)"
        case let .lengthMismatch(declared, actual):
            "STUN header declares \(declared) attribute bytes but the datagram carries \(actual)"
        case let .lengthNotMultipleOfFour(length):
            "STUN message length \(length) is not a multiple of 4"
        case let .attributeTruncated(type, declared, remaining):
            "STUN attribute \(type) declares \(declared) bytes (padded to 4) but only \(remaining) remain"
        case let .invalidAttribute(type, reason):
            "STUN attribute \(type) is malformed: \(reason)"
        case let .attributeAfterFingerprint(type):
            "STUN attribute \(type) follows FINGERPRINT, which must be the last attribute"
        case let .attributeTooLong(type, length):
            "STUN attribute \(type) value of \(length) bytes exceeds 65535"
        case let .messageTooLong(length):
            "STUN message body of \(length) bytes exceeds 65535"
        case .integrityComputationFailed:
            "HMAC-SHA1 for STUN MESSAGE-INTEGRITY failed in OpenSSL (check libssl3/libcrypto)"
        }
    }
}
