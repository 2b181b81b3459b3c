/// The common part of every RTCP feedback message (RFC 4585 §6.1): who sends
/// it and which media source it is about. The bridge routes PLI/FIR/NACK by
/// `mediaSSRC` without caring about the rest.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|   FMT   |       PT      |          length               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :            Feedback Control Information (FCI)                 :
/// ```
public struct RTCPFeedback {
    public static let headerLength = 12

    public let format: UInt8
    public let packetType: UInt8
    public let senderSSRC: UInt32
    /// The source the feedback is about (0 in a FIR, whose entries name it).
    public let mediaSSRC: UInt32
    /// The FCI, as a view into the packet.
    public let fci: UnsafeRawBufferPointer

    /// Reads any PT 205 or 206 packet.
    ///
    /// - Throws: `.notFeedback` for other packet types, `.packetTooShort`
    ///   below 12 bytes.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.packetType == RTCPPacketKind.transportFeedbackType
            || packet.packetType == RTCPPacketKind.payloadFeedbackType else {
            throw .notFeedback(actual: packet.kind)
        }
        let bytes = packet.bytes
        guard bytes.count >= Self.headerLength else {
            throw .packetTooShort(kind: packet.kind, length: bytes.count, minimum: Self.headerLength)
        }
        format = packet.countOrFormat
        packetType = packet.packetType
        senderSSRC = bytes.bigEndianUInt32(at: 4)
        mediaSSRC = bytes.bigEndianUInt32(at: 8)
        fci = UnsafeRawBufferPointer(rebasing: bytes[Self.headerLength...])
    }

    /// Writes the 12-byte common part of a feedback message with `fciLength`
    /// bytes of FCI to follow; returns the total length.
    static func begin(_ buffer: UnsafeMutableRawBufferPointer, format: UInt8, packetType: UInt8,
                      senderSSRC: UInt32, mediaSSRC: UInt32, fciLength: Int) throws(RTCPError) -> Int {
        let length = headerLength + fciLength
        try RTCPHeaderWriter.begin(buffer, length: length, countOrFormat: format, packetType: packetType)
        buffer.storeBigEndian(senderSSRC, at: 4)
        buffer.storeBigEndian(mediaSSRC, at: 8)
        return length
    }
}

@available(*, unavailable, message: "an RTCPFeedback borrows its datagram's buffer")
extension RTCPFeedback: Sendable {}

/// Picture loss indication (RFC 4585 §6.3.1): PT 206, FMT 1, no FCI. The
/// receiver lost part of a picture; the source should send a keyframe.
public enum RTCPPictureLossIndication {
    public static let encodedSize = RTCPFeedback.headerLength

    /// Reads a PLI and returns its sender and media source.
    public static func read(_ packet: RTCPPacket) throws(RTCPError) -> (senderSSRC: UInt32, mediaSSRC: UInt32) {
        guard packet.kind == .pictureLossIndication else {
            throw .wrongPacketKind(expected: .pictureLossIndication, actual: packet.kind)
        }
        let feedback = try RTCPFeedback(packet)
        return (feedback.senderSSRC, feedback.mediaSSRC)
    }

    /// Writes a PLI at the start of `buffer`; returns its length (12).
    public static func write(senderSSRC: UInt32, mediaSSRC: UInt32,
                             to buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        try RTCPFeedback.begin(buffer, format: 1, packetType: RTCPPacketKind.payloadFeedbackType,
                               senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, fciLength: 0)
    }
}
