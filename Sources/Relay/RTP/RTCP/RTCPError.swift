/// Why an RTCP datagram, or one packet inside it, was rejected, or why an
/// RTCP packet could not be written.
///
/// Receivers send RTCP every few hundred milliseconds; a malformed one is
/// counted and dropped, never allowed to disturb the call. Errors while
/// writing are programming errors of the caller (a buffer too small), not
/// peer input.
public enum RTCPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than 4 bytes left for a common header.
    case truncated(offset: Int, remaining: Int)
    /// The version bits are not 2 (RFC 3550 §6.4.1).
    case unsupportedVersion(offset: Int, version: UInt8)
    /// The length field announces more bytes than the datagram has left.
    case lengthExceedsDatagram(offset: Int, declared: Int, remaining: Int)
    /// The P bit is set on a packet that is not the last of the compound
    /// (RFC 3550 §6.4.1: only the last one may be padded).
    case paddingNotInLastPacket(offset: Int)
    /// The padding count is zero or larger than the packet body.
    case invalidPadding(offset: Int, count: Int, available: Int)
    /// The packet is too short for the fields its type and count announce.
    case packetTooShort(kind: RTCPPacketKind, length: Int, minimum: Int)
    /// A typed view was asked to read a packet of another kind.
    case wrongPacketKind(expected: RTCPPacketKind, actual: RTCPPacketKind)
    /// A feedback view was asked to read a packet that is not PT 205 or 206.
    case notFeedback(actual: RTCPPacketKind)
    /// A builder was given nothing to put in the packet.
    case nothingToWrite(what: String)
    /// The caller's buffer cannot hold the packet being written.
    case bufferTooSmall(needed: Int, capacity: Int)
    /// More items than the packet's 5-bit count or 16-bit length can carry.
    case tooManyItems(what: String, count: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .truncated(offset, remaining):
            "RTCP packet at byte \(offset) is truncated: \(remaining) bytes left, a header needs 4"
        case let .unsupportedVersion(offset, version):
            "RTCP packet at byte \(offset) has version \(version), only 2 is supported (RFC 3550)"
        case let .lengthExceedsDatagram(offset, declared, remaining):
            "RTCP packet at byte \(offset) declares \(declared) bytes but only \(remaining) remain in the datagram"
        case let .paddingNotInLastPacket(offset):
            "RTCP packet at byte \(offset) is padded but is not the last packet of the compound (RFC 3550 §6.4.1)"
        case let .invalidPadding(offset, count, available):
            "RTCP packet at byte \(offset) has padding count \(count) with \(available) bytes of body"
        case let .packetTooShort(kind, length, minimum):
            "RTCP \(kind) of \(length) bytes is shorter than the \(minimum) bytes its header announces"
        case let .wrongPacketKind(expected, actual):
            "RTCP packet is \(actual), not \(expected)"
        case let .notFeedback(actual):
            "RTCP packet is \(actual), not a feedback message (PT 205 or 206)"
        case let .nothingToWrite(what):
            "RTCP packet needs at least one \(what)"
        case let .bufferTooSmall(needed, capacity):
            "RTCP buffer of \(capacity) bytes cannot hold the \(needed)-byte packet"
        case let .tooManyItems(what, count, maximum):
            "RTCP packet cannot carry \(count) \(what) (at most \(maximum))"
        }
    }
}
