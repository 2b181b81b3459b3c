import Control

/// One inbound source (a participant's audio or video) and everyone who
/// receives it (mediasoup's Producer → Consumers). Keeps what forwarding and
/// feedback need: the retransmission cache (video), the keyframe request
/// limiter, and reception statistics for the receiver reports the bridge
/// sends back to the source.
///
/// Single-threaded: owned by the media thread.
final class Producer {
    let source: Source
    unowned let endpoint: Endpoint
    /// Tells this producer from an earlier one behind the same announced
    /// SSRC (`StreamContinuity`); random, so no counter needs sharing.
    let generation = UInt64.random(in: 1...UInt64.max)
    /// A new source's first timestamp follows the last one by a frame.
    var timestampStep: UInt32 { source.kind == .audio ? 960 : 3000 }
    /// Video only: NACKs from receivers are answered from here.
    let cache: RetransmissionCache?
    var keyframes = KeyframeRequestLimiter()
    /// A keyframe request the limiter held back, sent when it allows.
    var keyframePending = false
    var consumers: [Consumer] = []
    /// Cascade links this stream is copied onto (neighbours that asked for it).
    var linkConsumers: [LinkConsumer] = []
    /// The cascade frame header of this stream, built once.
    var cascadeHeader: [UInt8]?
    var reception = ReceptionStatistics()
    /// Middle 32 bits of the NTP time of the source's last SR and when it
    /// arrived, for LSR/DLSR in our reports (RFC 3550 §6.4.1).
    var lastSenderReport: (ntpMiddle: UInt32, arrival: ContinuousClock.Instant)?

    init(source: Source, endpoint: Endpoint) {
        self.source = source
        self.endpoint = endpoint
        cache = source.kind == .video ? RetransmissionCache() : nil
    }
}

@available(*, unavailable)
extension Producer: Sendable {}

/// One receiver of one producer. A consumer writes its own copy of every
/// packet (SRTP is keyed per receiver, so the copy is needed anyway) and
/// rewrites the SSRC to the one the controller announced.
final class Consumer {
    unowned let receiver: Endpoint
    /// The receiver's numbering of this announced stream, kept across
    /// changes of the source behind it.
    let continuity: StreamContinuity
    /// Sequence numbers of the RTX stream toward this receiver (RFC 4588 §4).
    var rtxSequenceNumber: UInt16 = .random(in: 0...UInt16.max)

    init(receiver: Endpoint, announcedSSRC: UInt32) {
        self.receiver = receiver
        continuity = receiver.continuity(for: announcedSSRC)
    }
}

@available(*, unavailable)
extension Consumer: Sendable {}

/// RFC 3550 Appendix A.3 reception bookkeeping for one source: extended
/// highest sequence number, expected vs. received, for receiver reports.
struct ReceptionStatistics {
    private(set) var started = false
    private(set) var baseSequence: UInt32 = 0
    private(set) var cycles: UInt32 = 0
    private(set) var highestSequence: UInt16 = 0
    private(set) var received: UInt32 = 0
    private var expectedAtLastReport: UInt32 = 0
    private var receivedAtLastReport: UInt32 = 0

    mutating func record(_ sequenceNumber: UInt16) {
        received &+= 1
        guard started else {
            started = true
            baseSequence = UInt32(sequenceNumber)
            highestSequence = sequenceNumber
            return
        }
        let delta = sequenceNumber &- highestSequence
        // Forward within half the space: newer (with wrap); otherwise late or duplicate.
        if delta != 0, delta < 0x8000 {
            if sequenceNumber < highestSequence { cycles &+= 1 << 16 }
            highestSequence = sequenceNumber
        }
    }

    var extendedHighest: UInt32 { cycles | UInt32(highestSequence) }

    var expected: UInt32 { started ? extendedHighest &- baseSequence &+ 1 : 0 }

    var cumulativeLost: Int32 {
        let lost = Int64(expected) - Int64(received)
        return Int32(max(-0x80_0000, min(0x7F_FFFF, lost)))
    }

    /// Fraction lost since the previous call, as RFC 3550's 8-bit fixed point.
    mutating func takeFractionLost() -> UInt8 {
        let expectedInterval = Int64(expected) - Int64(expectedAtLastReport)
        let receivedInterval = Int64(received) - Int64(receivedAtLastReport)
        expectedAtLastReport = expected
        receivedAtLastReport = received
        let lost = expectedInterval - receivedInterval
        guard expectedInterval > 0, lost > 0 else { return 0 }
        return UInt8(min(255, (lost << 8) / expectedInterval))
    }
}
