/// One packet of a compound RTCP datagram, as found by `RTCPCompoundIterator`.
///
/// The RFC 3550 §6.4.1 common header every RTCP packet starts with:
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  RC/FMT |      PT       |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// `length` counts 32-bit words minus one, header included.
///
/// Borrows the datagram's buffer, like `RTPPacket`.
public struct RTCPPacket {
    /// This packet alone, header included, padding excluded: offset 0 is the
    /// common header. Typed views (`RTCPSenderReport(_:)`, …) read from it.
    public let bytes: UnsafeRawBufferPointer
    /// Where the packet, padding included, sits in the compound datagram.
    public let range: Range<Int>
    public let kind: RTCPPacketKind
    public let packetType: UInt8
    /// The 5-bit field after P: RC for SR/RR, SC for SDES/BYE, FMT for
    /// feedback messages, subtype for APP.
    public let countOrFormat: UInt8
    /// The P bit (only ever set on the last packet of a compound).
    public let padding: Bool
}

@available(*, unavailable, message: "an RTCPPacket borrows its datagram's buffer")
extension RTCPPacket: Sendable {}

/// Walks the packets of a compound RTCP datagram (RFC 3550 §6.1) without
/// copying or allocating.
///
/// Each call to `next()` validates one common header (version 2, length within
/// the datagram, padding only on the last packet) and returns the packet with
/// its kind and offsets; the content is checked only when a typed view reads
/// it, so kinds the bridge skips (SDES, APP, XR, transport-cc, REMB) cost no
/// more than their header. After an error the iterator is finished: a
/// datagram whose structure is broken is not trusted any further.
///
/// The first packet is not required to be SR or RR: reduced-size RTCP (RFC
/// 5506, `a=rtcp-rsize`, which browsers negotiate) sends feedback alone.
///
/// Concurrency: borrows the datagram's buffer; use it on the thread that owns
/// the buffer.
public struct RTCPCompoundIterator {
    public let bytes: UnsafeRawBufferPointer
    private var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next packet, nil after the last one.
    ///
    /// - Throws: `RTCPError` for a header that cannot be trusted; the
    ///   iterator then returns nil forever.
    public mutating func next() throws(RTCPError) -> RTCPPacket? {
        let count = bytes.count
        let start = offset
        guard start < count else { return nil }
        // Whatever happens below, a failed packet ends the walk.
        offset = count

        let remaining = count - start
        guard remaining >= 4 else { throw .truncated(offset: start, remaining: remaining) }
        let first = bytes[start]
        let version = first >> 6
        guard version == 2 else { throw .unsupportedVersion(offset: start, version: version) }
        let packetType = bytes[start + 1]
        let length = (Int(bytes.bigEndianUInt16(at: start + 2)) + 1) * 4
        guard length <= remaining else {
            throw .lengthExceedsDatagram(offset: start, declared: length, remaining: remaining)
        }
        let end = start + length

        var bodyEnd = end
        let padding = first & 0x20 != 0
        if padding {
            guard end == count else { throw .paddingNotInLastPacket(offset: start) }
            let paddingCount = Int(bytes[end - 1])
            guard paddingCount >= 1, paddingCount <= length - 4 else {
                throw .invalidPadding(offset: start, count: paddingCount, available: length - 4)
            }
            bodyEnd = end - paddingCount
        }

        let packetBytes = UnsafeRawBufferPointer(rebasing: bytes[start ..< bodyEnd])
        let countOrFormat = first & 0x1F
        offset = end
        return RTCPPacket(
            bytes: packetBytes,
            range: start ..< end,
            kind: RTCPPacketKind(packetType: packetType, countOrFormat: countOrFormat, packet: packetBytes),
            packetType: packetType,
            countOrFormat: countOrFormat,
            padding: padding)
    }
}

@available(*, unavailable, message: "an RTCPCompoundIterator borrows its datagram's buffer")
extension RTCPCompoundIterator: Sendable {}

/// Writing the common header and checking the caller's buffer, shared by the
/// builders of each packet type.
enum RTCPHeaderWriter {
    /// Checks that `length` bytes fit, that `length` is a whole number of
    /// 32-bit words the length field can express, and writes the header.
    static func begin(_ buffer: UnsafeMutableRawBufferPointer, length: Int,
                      countOrFormat: UInt8, packetType: UInt8) throws(RTCPError) {
        let maximum = (Int(UInt16.max) + 1) * 4
        guard length <= maximum else {
            throw .tooManyItems(what: "bytes", count: length, maximum: maximum)
        }
        guard buffer.count >= length else { throw .bufferTooSmall(needed: length, capacity: buffer.count) }
        buffer[0] = 0x80 | (countOrFormat & 0x1F)
        buffer[1] = packetType
        buffer.storeBigEndian(UInt16(length / 4 - 1), at: 2)
    }
}
