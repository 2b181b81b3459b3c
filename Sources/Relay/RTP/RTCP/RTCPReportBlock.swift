/// One reception report block (RFC 3550 §6.4.1), in an SR or an RR.
///
/// ```
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 SSRC_1 (SSRC of first source)                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | fraction lost |       cumulative number of packets lost       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           extended highest sequence number received           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      interarrival jitter                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         last SR (LSR)                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   delay since last SR (DLSR)                  |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// ```
public struct RTCPReportBlock: Sendable, Equatable, Hashable {
    public static let encodedSize = 24
    /// The 24-bit signed range of the cumulative-lost field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000 ... 0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256.
    public var fractionLost: UInt8
    /// Packets lost since the start (signed: duplicates can make it negative).
    /// Clamped to 24 bits when written.
    public var cumulativeLost: Int32
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// The middle 32 bits of the NTP timestamp of the last SR from `ssrc`.
    public var lastSenderReport: UInt32
    /// Delay since that SR, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32,
                extendedHighestSequenceNumber: UInt32, jitter: UInt32,
                lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads a block at `offset`; the caller has checked 24 bytes are there.
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        let lostField = bytes.bigEndianUInt24(at: offset + 5)
        // Sign-extend the 24-bit two's complement value.
        let cumulativeLost = Int32(bitPattern: lostField << 8) >> 8
        self.init(ssrc: bytes.bigEndianUInt32(at: offset),
                  fractionLost: bytes[offset + 4],
                  cumulativeLost: cumulativeLost,
                  extendedHighestSequenceNumber: bytes.bigEndianUInt32(at: offset + 8),
                  jitter: bytes.bigEndianUInt32(at: offset + 12),
                  lastSenderReport: bytes.bigEndianUInt32(at: offset + 16),
                  delaySinceLastSenderReport: bytes.bigEndianUInt32(at: offset + 20))
    }

    /// Writes the block at `offset`; the caller has checked the room.
    func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        let lost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        buffer.storeBigEndian(ssrc, at: offset)
        buffer.storeBigEndian(UInt32(bitPattern: lost) & 0x00FF_FFFF | UInt32(fractionLost) << 24, at: offset + 4)
        buffer.storeBigEndian(extendedHighestSequenceNumber, at: offset + 8)
        buffer.storeBigEndian(jitter, at: offset + 12)
        buffer.storeBigEndian(lastSenderReport, at: offset + 16)
        buffer.storeBigEndian(delaySinceLastSenderReport, at: offset + 20)
    }
}

/// The report blocks of one SR or RR, read on access without copying.
public struct RTCPReportBlocks: RandomAccessCollection {
    let bytes: UnsafeRawBufferPointer
    let firstOffset: Int
    public let startIndex = 0
    public let endIndex: Int

    init(bytes: UnsafeRawBufferPointer, firstOffset: Int, count: Int) {
        self.bytes = bytes
        self.firstOffset = firstOffset
        self.endIndex = count
    }

    public subscript(position: Int) -> RTCPReportBlock {
        precondition(indices.contains(position), "report block index out of range")
        return RTCPReportBlock(reading: bytes, at: firstOffset + position * RTCPReportBlock.encodedSize)
    }
}

@available(*, unavailable, message: "RTCPReportBlocks borrows its datagram's buffer")
extension RTCPReportBlocks: Sendable {}
