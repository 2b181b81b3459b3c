/// One announced stream as one receiver sees it. Receivers know a stream by
/// the SSRC the controller announced, but the source behind it can change:
/// the participant renegotiates with new SSRCs, or moves to another bridge
/// after a failure and starts a new RTP stream there (new random sequence
/// numbers and timestamps). Passed through unchanged, the receiver would see
/// its stream jump backwards, and libsrtp refuses to protect an index it has
/// already used for that receiver (the jitter buffer would drop it too).
///
/// So each receiver's copy is rewritten: while one source feeds the stream
/// its numbers pass with a fixed offset; when another source takes over, the
/// offsets are chosen so that its first packet follows the last one the
/// receiver got (the next sequence number, a frame's worth of timestamp
/// later). The offsets of the current source also map the receiver's NACKs
/// back to the cache's numbering.
///
/// Single-threaded: owned by the media thread; shared by the successive
/// consumers of one (receiver, announced SSRC).
final class StreamContinuity {
    private var source: UInt64?
    private(set) var sequenceOffset: UInt16 = 0
    private(set) var timestampOffset: UInt32 = 0
    private var highestSequence: UInt16 = 0
    private var highestTimestamp: UInt32 = 0
    private var started = false

    /// Maps a packet of `source` (a producer's generation) to the receiver's
    /// numbering. `timestampStep` is what a new source's first timestamp
    /// follows the last one by (a frame: 20 ms of audio, 1/30 s of video).
    func map(sequence: UInt16, timestamp: UInt32, source: UInt64, timestampStep: UInt32) -> (UInt16, UInt32) {
        if source != self.source {
            if started {
                sequenceOffset = (highestSequence &+ 1) &- sequence
                timestampOffset = (highestTimestamp &+ timestampStep) &- timestamp
            }
            self.source = source
        }
        let mapped = (sequence &+ sequenceOffset, timestamp &+ timestampOffset)
        if !started || Self.isNewer(mapped.0, than: highestSequence) {
            highestSequence = mapped.0
            highestTimestamp = mapped.1
        }
        started = true
        return mapped
    }

    /// A sequence number the receiver names (in a NACK) in the current
    /// source's numbering, which is the retransmission cache's.
    func unmap(sequence: UInt16) -> UInt16 {
        sequence &- sequenceOffset
    }

    /// RFC 3550 ordering with wrap-around: `a` is newer than `b` within half the space.
    static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        a != b && a &- b < 0x8000
    }
}

@available(*, unavailable)
extension StreamContinuity: Sendable {}
