/// Bodies of the link messages (the frames that carry no media). All
/// integers are big-endian. Reading never traps: a short or inconsistent
/// body is `CascadeFrameError.malformedBody`.
///
///     interest:         count (2) | count × announced SSRC (4)
///     keyframe request: announced SSRC (4)
///     nack:             announced SSRC (4) | count (2) | count × sequence number (2)
///     ping, pong:       token (8)   (a pong echoes the ping's token)
///     bye:              empty
public enum LinkMessage {
    /// At most this many SSRCs in one interest message (fits a 1,200-octet datagram).
    public static let maximumInterest = 256
    public static let maximumNACK = 64

    public static func writeInterest(_ ssrcs: [UInt32], into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard ssrcs.count <= maximumInterest, buffer.count >= 2 + 4 * ssrcs.count else { return nil }
        buffer.storeBytes(of: UInt16(ssrcs.count).bigEndian, toByteOffset: 0, as: UInt16.self)
        for (index, ssrc) in ssrcs.enumerated() {
            buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 2 + 4 * index, as: UInt32.self)
        }
        return 2 + 4 * ssrcs.count
    }

    public static func readInterest(_ body: UnsafeRawBufferPointer) throws(CascadeFrameError) -> [UInt32] {
        guard body.count >= 2 else { throw .malformedBody(.interest) }
        let count = Int(UInt16(body[0]) << 8 | UInt16(body[1]))
        guard count <= maximumInterest, body.count == 2 + 4 * count else { throw .malformedBody(.interest) }
        return (0..<count).map { readUInt32(body, at: 2 + 4 * $0) }
    }

    public static func writeSSRC(_ ssrc: UInt32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard buffer.count >= 4 else { return nil }
        buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 0, as: UInt32.self)
        return 4
    }

    public static func readSSRC(_ body: UnsafeRawBufferPointer) throws(CascadeFrameError) -> UInt32 {
        guard body.count == 4 else { throw .malformedBody(.keyframeRequest) }
        return readUInt32(body, at: 0)
    }

    public static func writeNACK(ssrc: UInt32, sequenceNumbers: [UInt16],
                                 into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let length = 6 + 2 * sequenceNumbers.count
        guard sequenceNumbers.count <= maximumNACK, buffer.count >= length else { return nil }
        buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 0, as: UInt32.self)
        buffer.storeBytes(of: UInt16(sequenceNumbers.count).bigEndian, toByteOffset: 4, as: UInt16.self)
        for (index, sequence) in sequenceNumbers.enumerated() {
            buffer.storeBytes(of: sequence.bigEndian, toByteOffset: 6 + 2 * index, as: UInt16.self)
        }
        return length
    }

    public static func readNACK(_ body: UnsafeRawBufferPointer) throws(CascadeFrameError) -> (ssrc: UInt32, sequenceNumbers: [UInt16]) {
        guard body.count >= 6 else { throw .malformedBody(.nack) }
        let count = Int(UInt16(body[4]) << 8 | UInt16(body[5]))
        guard count <= maximumNACK, body.count == 6 + 2 * count else { throw .malformedBody(.nack) }
        let sequences = (0..<count).map { UInt16(body[6 + 2 * $0]) << 8 | UInt16(body[7 + 2 * $0]) }
        return (readUInt32(body, at: 0), sequences)
    }

    public static func writeToken(_ token: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard buffer.count >= 8 else { return nil }
        buffer.storeBytes(of: token.bigEndian, toByteOffset: 0, as: UInt64.self)
        return 8
    }

    public static func readToken(_ body: UnsafeRawBufferPointer, kind: CascadeFrame.Kind) throws(CascadeFrameError) -> UInt64 {
        guard body.count == 8 else { throw .malformedBody(kind) }
        return UInt64(readUInt32(body, at: 0)) << 32 | UInt64(readUInt32(body, at: 4))
    }

    private static func readUInt32(_ body: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(body[offset]) << 24 | UInt32(body[offset + 1]) << 16 | UInt32(body[offset + 2]) << 8 | UInt32(body[offset + 3])
    }
}
