/// The sender information of an SR: what the sender has sent so far, tied to
/// wall-clock time for lip sync and round-trip estimates.
public struct RTCPSenderInfo: Sendable, Equatable, Hashable {
    /// 64-bit NTP timestamp (seconds since 1900 in the high word).
    public var ntpTimestamp: UInt64
    /// The same instant in the stream's RTP clock.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32

    public init(ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }
}

/// A sender report (RFC 3550 §6.4.1), read from a packet of a compound.
///
/// ```
///         0                   1                   2                   3
///         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=SR=200   |             length            |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                         SSRC of sender                        |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// sender |              NTP timestamp, most significant word             |
/// info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |             NTP timestamp, least significant word             |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                         RTP timestamp                         |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                     sender's packet count                     |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                      sender's octet count                     |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                 report blocks (RC × 24 bytes)                 |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                  profile-specific extensions                  |
/// ```
/// Profile-specific extensions after the blocks are ignored.
public struct RTCPSenderReport {
    /// Header, SSRC and sender info.
    public static let minimumLength = 28

    public let ssrc: UInt32
    public let senderInfo: RTCPSenderInfo
    public let reportBlocks: RTCPReportBlocks

    /// Reads an SR.
    ///
    /// - Throws: `RTCPError.wrongPacketKind` for another packet type,
    ///   `.packetTooShort` when the RC blocks do not fit.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.kind == .senderReport else {
            throw .wrongPacketKind(expected: .senderReport, actual: packet.kind)
        }
        let bytes = packet.bytes
        let blockCount = Int(packet.countOrFormat)
        let needed = Self.encodedSize(blockCount: blockCount)
        guard bytes.count >= needed else {
            throw .packetTooShort(kind: packet.kind, length: bytes.count, minimum: needed)
        }
        ssrc = bytes.bigEndianUInt32(at: 4)
        senderInfo = RTCPSenderInfo(
            ntpTimestamp: UInt64(bytes.bigEndianUInt32(at: 8)) << 32 | UInt64(bytes.bigEndianUInt32(at: 12)),
            rtpTimestamp: bytes.bigEndianUInt32(at: 16),
            packetCount: bytes.bigEndianUInt32(at: 20),
            octetCount: bytes.bigEndianUInt32(at: 24))
        reportBlocks = RTCPReportBlocks(bytes: bytes, firstOffset: Self.minimumLength, count: blockCount)
    }

    /// Bytes of an SR carrying `blockCount` report blocks.
    public static func encodedSize(blockCount: Int) -> Int {
        minimumLength + blockCount * RTCPReportBlock.encodedSize
    }

    /// Writes an SR at the start of `buffer` and returns its length.
    ///
    /// - Throws: `.tooManyItems` for more than 31 blocks (send the rest in an
    ///   RR of the same compound), `.bufferTooSmall`.
    public static func write(ssrc: UInt32, senderInfo: RTCPSenderInfo, reportBlocks: [RTCPReportBlock],
                             to buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard reportBlocks.count <= 31 else {
            throw .tooManyItems(what: "report blocks", count: reportBlocks.count, maximum: 31)
        }
        let length = encodedSize(blockCount: reportBlocks.count)
        try RTCPHeaderWriter.begin(buffer, length: length, countOrFormat: UInt8(reportBlocks.count),
                                   packetType: RTCPPacketKind.senderReportType)
        buffer.storeBigEndian(ssrc, at: 4)
        buffer.storeBigEndian(UInt32(truncatingIfNeeded: senderInfo.ntpTimestamp >> 32), at: 8)
        buffer.storeBigEndian(UInt32(truncatingIfNeeded: senderInfo.ntpTimestamp), at: 12)
        buffer.storeBigEndian(senderInfo.rtpTimestamp, at: 16)
        buffer.storeBigEndian(senderInfo.packetCount, at: 20)
        buffer.storeBigEndian(senderInfo.octetCount, at: 24)
        for (index, block) in reportBlocks.enumerated() {
            block.write(to: buffer, at: minimumLength + index * RTCPReportBlock.encodedSize)
        }
        return length
    }
}

@available(*, unavailable, message: "an RTCPSenderReport borrows its datagram's buffer")
extension RTCPSenderReport: Sendable {}
