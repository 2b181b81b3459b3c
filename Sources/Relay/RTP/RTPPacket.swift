/// A parsed view of one RTP packet (RFC 3550 §5.1) inside a caller's buffer.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |            contributing source (CSRC) identifiers             |
/// |                             ....                              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      defined by profile       |           length              |  (X = 1,
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   §5.3.1)
/// |                        header extension                       |
/// |                             ....                              |
/// ```
///
/// Parsing copies nothing and allocates nothing: the view keeps the buffer,
/// the packed first two octets, the three fixed fields and offsets. The
/// forwarding path parses every packet it receives, so this is hot-path code.
///
/// Lifetime and concurrency: the view borrows `bytes`. It is valid only while
/// that memory is alive and unchanged (inside the `withUnsafeBytes` scope or
/// while the receive buffer slot is not reused), so it stays on the thread
/// that owns the buffer and is not `Sendable`. Copy out the plain fields to
/// keep them longer.
public struct RTPPacket {
    /// The smallest RTP header: no CSRCs, no extension.
    public static let fixedHeaderLength = 12

    /// The whole datagram the packet was parsed from.
    public let bytes: UnsafeRawBufferPointer
    /// Octets 0 and 1 as sent: V, P, X, CC, M and PT stay packed.
    let firstOctets: UInt16
    public let sequenceNumber: UInt16
    public let timestamp: UInt32
    public let ssrc: UInt32
    /// Bytes from the start of the packet to the payload: fixed header,
    /// CSRCs and the header extension with its 4-byte header.
    public let headerLength: Int
    /// The payload, without padding.
    public let payloadRange: Range<Int>
    /// The 16-bit "defined by profile" field when X is set (0xBEDE for RFC
    /// 8285 one-byte elements, 0x100x for two-byte elements).
    public let extensionProfile: UInt16?
    /// The header extension's data, after its 4-byte header, when X is set.
    public let extensionDataRange: Range<Int>?

    /// Parses and validates the header of the datagram in `bytes`.
    ///
    /// - Throws: `RTPError` when the version is not 2, the CSRC list or the
    ///   extension runs past the end, or the padding count is impossible.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPError) {
        let count = bytes.count
        guard count >= Self.fixedHeaderLength else {
            throw .truncated(length: count, needed: Self.fixedHeaderLength)
        }
        let firstOctets = bytes.bigEndianUInt16(at: 0)
        let version = UInt8(truncatingIfNeeded: firstOctets >> 14)
        guard version == 2 else { throw .unsupportedVersion(version) }

        var headerLength = Self.fixedHeaderLength + 4 * Int((firstOctets >> 8) & 0x0F)
        guard count >= headerLength else { throw .truncated(length: count, needed: headerLength) }

        var extensionProfile: UInt16?
        var extensionDataRange: Range<Int>?
        if firstOctets & 0x1000 != 0 {
            guard count >= headerLength + 4 else { throw .truncated(length: count, needed: headerLength + 4) }
            let profile = bytes.bigEndianUInt16(at: headerLength)
            let words = Int(bytes.bigEndianUInt16(at: headerLength + 2))
            let dataStart = headerLength + 4
            headerLength = dataStart + 4 * words
            guard count >= headerLength else { throw .truncated(length: count, needed: headerLength) }
            extensionProfile = profile
            extensionDataRange = dataStart ..< headerLength
        }

        var payloadEnd = count
        if firstOctets & 0x2000 != 0 {
            let paddingCount = Int(bytes[count - 1])
            let available = count - headerLength
            guard paddingCount >= 1, paddingCount <= available else {
                throw .invalidPadding(count: paddingCount, available: available)
            }
            payloadEnd = count - paddingCount
        }

        self.bytes = bytes
        self.firstOctets = firstOctets
        self.sequenceNumber = bytes.bigEndianUInt16(at: 2)
        self.timestamp = bytes.bigEndianUInt32(at: 4)
        self.ssrc = bytes.bigEndianUInt32(at: 8)
        self.headerLength = headerLength
        self.payloadRange = headerLength ..< payloadEnd
        self.extensionProfile = extensionProfile
        self.extensionDataRange = extensionDataRange
    }

    /// Always 2 for a parsed packet.
    public var version: UInt8 { UInt8(truncatingIfNeeded: firstOctets >> 14) }
    /// The P bit: the packet ends with padding (excluded from `payloadRange`).
    public var padding: Bool { firstOctets & 0x2000 != 0 }
    /// The X bit: a header extension follows the CSRC list.
    public var hasExtension: Bool { firstOctets & 0x1000 != 0 }
    public var csrcCount: Int { Int((firstOctets >> 8) & 0x0F) }
    public var marker: Bool { firstOctets & 0x0080 != 0 }
    public var payloadType: UInt8 { UInt8(truncatingIfNeeded: firstOctets & 0x7F) }
    /// The payload bytes, without padding, as a view into `bytes`.
    public var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[payloadRange]) }

    /// The CSRC at `index` (0 ..< `csrcCount`), or nil outside that range.
    public func csrc(at index: Int) -> UInt32? {
        guard index >= 0, index < csrcCount else { return nil }
        return bytes.bigEndianUInt32(at: Self.fixedHeaderLength + 4 * index)
    }
}

@available(*, unavailable, message: "an RTPPacket borrows its buffer; copy the fields out instead")
extension RTPPacket: Sendable {}
