/// One FIR entry (RFC 5104 §4.3.1.1): the source asked for a decoder refresh
/// and the request's sequence number, which the sender increments per new
/// request so that retransmitted FIRs are not answered twice.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                              SSRC                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Seq nr.       |    Reserved                                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct RTCPFIREntry: Sendable, Equatable, Hashable {
    public static let encodedSize = 8

    public var ssrc: UInt32
    public var sequenceNumber: UInt8

    public init(ssrc: UInt32, sequenceNumber: UInt8) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
    }
}

/// A full intra request (RFC 5104 §4.3.1, PT 206 FMT 4). The common header's
/// media SSRC is 0; the entries name the sources.
public struct RTCPFullIntraRequest {
    public let senderSSRC: UInt32
    /// 0 from conforming senders (RFC 5104 §4.3.1.2); kept for diagnostics.
    public let mediaSSRC: UInt32
    public let entries: Entries

    /// Reads a FIR; a trailing partial entry is ignored.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.kind == .fullIntraRequest else {
            throw .wrongPacketKind(expected: .fullIntraRequest, actual: packet.kind)
        }
        let feedback = try RTCPFeedback(packet)
        senderSSRC = feedback.senderSSRC
        mediaSSRC = feedback.mediaSSRC
        entries = Entries(fci: feedback.fci)
    }

    /// The FCI entries, read on access.
    public struct Entries: RandomAccessCollection {
        let fci: UnsafeRawBufferPointer
        public let startIndex = 0
        public let endIndex: Int

        init(fci: UnsafeRawBufferPointer) {
            self.fci = fci
            self.endIndex = fci.count / RTCPFIREntry.encodedSize
        }

        public subscript(position: Int) -> RTCPFIREntry {
            precondition(indices.contains(position), "FIR entry index out of range")
            let offset = position * RTCPFIREntry.encodedSize
            return RTCPFIREntry(ssrc: fci.bigEndianUInt32(at: offset), sequenceNumber: fci[offset + 4])
        }
    }

    /// Bytes of a FIR with `entryCount` entries.
    public static func encodedSize(entryCount: Int) -> Int {
        RTCPFeedback.headerLength + entryCount * RTCPFIREntry.encodedSize
    }

    /// Writes a FIR at the start of `buffer`; returns its length.
    ///
    /// - Throws: `.nothingToWrite` for no entries, `.bufferTooSmall`.
    public static func write(senderSSRC: UInt32, entries: [RTCPFIREntry],
                             to buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard !entries.isEmpty else { throw .nothingToWrite(what: "FIR entry") }
        let length = try RTCPFeedback.begin(buffer, format: 4, packetType: RTCPPacketKind.payloadFeedbackType,
                                            senderSSRC: senderSSRC, mediaSSRC: 0,
                                            fciLength: entries.count * RTCPFIREntry.encodedSize)
        for (index, entry) in entries.enumerated() {
            let offset = RTCPFeedback.headerLength + index * RTCPFIREntry.encodedSize
            buffer.storeBigEndian(entry.ssrc, at: offset)
            buffer.storeBigEndian(UInt32(entry.sequenceNumber) << 24, at: offset + 4)
        }
        return length
    }
}

@available(*, unavailable, message: "an RTCPFullIntraRequest borrows its datagram's buffer")
extension RTCPFullIntraRequest: Sendable {}
