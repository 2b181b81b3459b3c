/// Why a datagram is not a usable RTP packet, or why a header could not be
/// rewritten.
///
/// A malformed packet from a participant is routine (a broken client, a
/// scanner, a stale DTLS record mistaken for media): the bridge counts and
/// drops it. The messages say what was wrong so a rising counter can be
/// traced to the sender's bug.
public enum RTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes than the fixed header, the CSRC list, or the extension
    /// header announce.
    case truncated(length: Int, needed: Int)
    /// The version bits are not 2 (RFC 3550 §5.1).
    case unsupportedVersion(UInt8)
    /// The P bit is set but the padding count is zero or exceeds the payload.
    case invalidPadding(count: Int, available: Int)

    public var description: String {
        switch self {
        case let .truncated(length, needed):
            "RTP packet of \(length) bytes is truncated: its header needs \(needed) bytes (check the sender's CSRC count and extension length)"
        case let .unsupportedVersion(version):
            "RTP version \(version) is not supported (only version 2, RFC 3550); the datagram is probably not RTP"
        case let .invalidPadding(count, available):
            "RTP padding count \(count) is invalid with \(available) bytes after the header (RFC 3550 §5.1: between 1 and the payload size)"
        }
    }
}
