/// Bodies of the link messages (the frames that carry no media). All
/// integers are big-endian. Reading never traps: a short or inconsistent
/// body is `CascadeFrameError.malformedBody`.
///
///     interest:         total (2) | offset (2) | count (2) | count × announced SSRC (4)
///     keyframe request: announced SSRC (4)
///     nack:             announced SSRC (4) | count (2) | count × sequence number (2)
///     ping, pong:       token (8)   (a pong echoes the ping's token)
///     bye:              empty
public enum LinkMessage {
    /// At most this many SSRCs in one interest message (fits a 1,200-octet
    /// datagram); a longer interest set travels in several chunks.
    public static let maximumInterest = 256
    /// An interest set has at most this many SSRCs (the `total` field).
    public static let maximumInterestTotal = Int(UInt16.max)
    public static let maximumNACK = 64

    /// The interest set as chunks of at most `maximumInterest` SSRCs, in
    /// order; an empty set is one empty chunk (it still says "nothing").
    public static func interestChunks(_ ssrcs: [UInt32]) -> [InterestChunk] {
        let total = min(ssrcs.count, maximumInterestTotal)
        guard total > 0 else { return [InterestChunk(total: 0, offset: 0, ssrcs: [])] }
        return stride(from: 0, to: total, by: maximumInterest).map { offset in
            InterestChunk(total: total, offset: offset, ssrcs: Array(ssrcs[offset..<min(offset + maximumInterest, total)]))
        }
    }

    public static func writeInterest(_ chunk: InterestChunk, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let count = chunk.ssrcs.count
        guard chunk.isConsistent, buffer.count >= 6 + 4 * count else { return nil }
        buffer.storeBytes(of: UInt16(chunk.total).bigEndian, toByteOffset: 0, as: UInt16.self)
        buffer.storeBytes(of: UInt16(chunk.offset).bigEndian, toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: UInt16(count).bigEndian, toByteOffset: 4, as: UInt16.self)
        for (index, ssrc) in chunk.ssrcs.enumerated() {
            buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 6 + 4 * index, as: UInt32.self)
        }
        return 6 + 4 * count
    }

    public static func readInterest(_ body: UnsafeRawBufferPointer) throws(CascadeFrameError) -> InterestChunk {
        guard body.count >= 6 else { throw .malformedBody(.interest) }
        let total = Int(readUInt16(body, at: 0)), offset = Int(readUInt16(body, at: 2)), count = Int(readUInt16(body, at: 4))
        guard count <= maximumInterest, body.count == 6 + 4 * count else { throw .malformedBody(.interest) }
        let chunk = InterestChunk(total: total, offset: offset, ssrcs: (0..<count).map { readUInt32(body, at: 6 + 4 * $0) })
        guard chunk.isConsistent else { throw .malformedBody(.interest) }
        return chunk
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

    public static func writeNACK(ssrc: UInt32, sequenceNumbers: some Collection<UInt16>,
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
        let count = Int(readUInt16(body, at: 4))
        guard count <= maximumNACK, body.count == 6 + 2 * count else { throw .malformedBody(.nack) }
        let sequences = (0..<count).map { readUInt16(body, at: 6 + 2 * $0) }
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

    private static func readUInt16(_ body: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(body[offset]) << 8 | UInt16(body[offset + 1])
    }

    private static func readUInt32(_ body: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(body[offset]) << 24 | UInt32(body[offset + 1]) << 16 | UInt32(body[offset + 2]) << 8 | UInt32(body[offset + 3])
    }
}
