/// A receiver report (RFC 3550 §6.4.2), read from a packet of a compound.
///
/// ```
///         0                   1                   2                   3
///         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=RR=201   |             length            |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                     SSRC of packet sender                     |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                 report blocks (RC × 24 bytes)                 |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                  profile-specific extensions                  |
/// ```
public struct RTCPReceiverReport {
    /// Header and SSRC: an RR with no blocks (a receiver that hears nobody).
    public static let minimumLength = 8

    public let ssrc: UInt32
    public let reportBlocks: RTCPReportBlocks

    /// Reads an RR.
    ///
    /// - Throws: `.wrongPacketKind`, or `.packetTooShort` when the RC blocks
    ///   do not fit.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.kind == .receiverReport else {
            throw .wrongPacketKind(expected: .receiverReport, actual: packet.kind)
        }
        let bytes = packet.bytes
        let blockCount = Int(packet.countOrFormat)
        let needed = Self.encodedSize(blockCount: blockCount)
        guard bytes.count >= needed else {
            throw .packetTooShort(kind: packet.kind, length: bytes.count, minimum: needed)
        }
        ssrc = bytes.bigEndianUInt32(at: 4)
        reportBlocks = RTCPReportBlocks(bytes: bytes, firstOffset: Self.minimumLength, count: blockCount)
    }

    /// Bytes of an RR carrying `blockCount` report blocks.
    public static func encodedSize(blockCount: Int) -> Int {
        minimumLength + blockCount * RTCPReportBlock.encodedSize
    }

    /// Writes an RR at the start of `buffer` and returns its length.
    ///
    /// - Throws: `.tooManyItems` for more than 31 blocks (split them over
    ///   several RRs of one compound), `.bufferTooSmall`.
    public static func write(ssrc: UInt32, reportBlocks: [RTCPReportBlock],
                             to buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard reportBlocks.count <= 31 else {
            throw .tooManyItems(what: "report blocks", count: reportBlocks.count, maximum: 31)
        }
        let length = encodedSize(blockCount: reportBlocks.count)
        try RTCPHeaderWriter.begin(buffer, length: length, countOrFormat: UInt8(reportBlocks.count),
                                   packetType: RTCPPacketKind.receiverReportType)
        buffer.storeBigEndian(ssrc, at: 4)
        for (index, block) in reportBlocks.enumerated() {
            block.write(to: buffer, at: minimumLength + index * RTCPReportBlock.encodedSize)
        }
        return length
    }
}

@available(*, unavailable, message: "an RTCPReceiverReport borrows its datagram's buffer")
extension RTCPReceiverReport: Sendable {}
