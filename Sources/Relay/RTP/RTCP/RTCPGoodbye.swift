/// A BYE packet (RFC 3550 §6.6): these sources are leaving.
///
/// ```
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |V=2|P|    SC   |   PT=BYE=203  |             length            |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                           SSRC/CSRC                           |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       :                              ...                              :
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// (opt) |     length    |               reason for leaving            ...
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct RTCPGoodbye {
    public let ssrcs: RTCPSSRCList
    /// The optional reason text (UTF-8), as a view into the packet.
    public let reason: UnsafeRawBufferPointer?

    /// Reads a BYE.
    ///
    /// - Throws: `.wrongPacketKind`, or `.packetTooShort` when the SC
    ///   sources or the reason run past the packet.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.kind == .goodbye else {
            throw .wrongPacketKind(expected: .goodbye, actual: packet.kind)
        }
        let bytes = packet.bytes
        let sourceCount = Int(packet.countOrFormat)
        let reasonOffset = 4 + 4 * sourceCount
        guard bytes.count >= reasonOffset else {
            throw .packetTooShort(kind: packet.kind, length: bytes.count, minimum: reasonOffset)
        }
        ssrcs = RTCPSSRCList(bytes: bytes, firstOffset: 4, count: sourceCount)
        if bytes.count > reasonOffset, bytes[reasonOffset] > 0 {
            let reasonEnd = reasonOffset + 1 + Int(bytes[reasonOffset])
            guard bytes.count >= reasonEnd else {
                throw .packetTooShort(kind: packet.kind, length: bytes.count, minimum: reasonEnd)
            }
            reason = UnsafeRawBufferPointer(rebasing: bytes[reasonOffset + 1 ..< reasonEnd])
        } else {
            reason = nil
        }
    }
}

@available(*, unavailable, message: "an RTCPGoodbye borrows its datagram's buffer")
extension RTCPGoodbye: Sendable {}

/// A run of 32-bit SSRCs inside a packet, read on access.
public struct RTCPSSRCList: RandomAccessCollection {
    let bytes: UnsafeRawBufferPointer
    let firstOffset: Int
    public let startIndex = 0
    public let endIndex: Int

    init(bytes: UnsafeRawBufferPointer, firstOffset: Int, count: Int) {
        self.bytes = bytes
        self.firstOffset = firstOffset
        self.endIndex = count
    }

    public subscript(position: Int) -> UInt32 {
        precondition(indices.contains(position), "SSRC index out of range")
        return bytes.bigEndianUInt32(at: firstOffset + 4 * position)
    }
}

@available(*, unavailable, message: "RTCPSSRCList borrows its datagram's buffer")
extension RTCPSSRCList: Sendable {}
