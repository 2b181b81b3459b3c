#if canImport(Glibc)
import Glibc
#endif

/// The publisher and the subscribers of `meridian bench forward`, on one
/// thread: it sends SRTP video packets to a forwarder at a paced rate, in
/// bursts of 32 (one `sendmmsg`), and between bursts drains the subscriber
/// sockets, counting the copies that carry the announced SSRC. One copy in
/// 32 (by sequence number) is decrypted with the subscriber's keys and
/// compared with what was sent, so a forwarder that garbles packets fails
/// the run instead of looking fast.
///
/// The sockets are shared by both forwarders; the keys and the sequence
/// numbers are per forwarder (`Stream`), so each sees one unbroken stream
/// and its replay windows and rollover counters stay valid across steps.
///
/// Single-threaded: owned by the benchmark's controlling thread.
final class ForwardingLoad {
    /// RTP header with a one-byte-form extension block: MID "0" (id 1, the
    /// bridge erases it) and a transport-wide sequence number (id 3).
    static let headerLength = 12 + 4 + 8
    static let burst = 32
    static let verifyEvery: UInt16 = 32

    /// One forwarder's view of the load: the publisher's outbound session
    /// and each subscriber's inbound session, with this stream's sequence.
    final class Stream {
        let publisher: SRTPSession
        let subscribers: [SRTPSession]
        let publisherSSRC: UInt32
        let announcedSSRC: UInt32
        var sequenceNumber: UInt16 = 0
        var timestamp: UInt32 = 0

        init(legs: ForwardingLegs) throws(ForwardingBenchmarkError) {
            publisherSSRC = legs.publisherSSRC
            announcedSSRC = legs.announcedSSRC
            do {
                publisher = try legs.publisher.peerSide.makeOutboundSession()
                subscribers = try legs.subscribers.map { leg throws(SRTPError) in try leg.peerSide.makeInboundSession() }
            } catch {
                throw .setup("SRTP sessions of the load: \(error)")
            }
        }
    }

    /// What one step of load produced.
    struct Step {
        var sent = 0
        var received = 0
        var verified = 0
        var verifyFailures = 0
        /// What went wrong with the first copy that failed verification.
        var firstFailure: String?
        var fanOut: Int
        var lossFraction: Double {
            let expected = sent * fanOut
            return expected == 0 ? 0 : max(0, Double(expected - received) / Double(expected))
        }
    }

    let packetSize: Int
    let publisherSocket: UDPSocket
    let subscriberSockets: [UDPSocket]
    private let sendBatch = DatagramBatch(capacity: ForwardingLoad.burst)
    private let receiveBatch = DatagramBatch(capacity: 64)
    private let template: [UInt8]

    /// Binds the publisher and `subscribers` sockets to `host` (port 0).
    init(packetSize: Int, subscribers: Int,
         host: PeerAddress = PeerAddress(ip: [127, 0, 0, 1], port: 0)!) throws(ForwardingBenchmarkError) {
        guard packetSize >= Self.headerLength + 4, packetSize <= 1_400 else {
            throw .invalidConfiguration("packet size must be \(Self.headerLength + 4)…1400 bytes")
        }
        self.packetSize = packetSize
        do {
            publisherSocket = try UDPSocket(bind: host)
            subscriberSockets = try (0..<subscribers).map { _ throws(UDPSocket.Failure) in try UDPSocket(bind: host) }
        } catch {
            throw .setup("load sockets: \(error)")
        }
        var template = [UInt8](repeating: 0, count: packetSize)
        template[0] = 0x90                                 // V=2, X=1
        template[1] = 96                                   // VP8
        template.replaceSubrange(12..<24, with: [0xBE, 0xDE, 0x00, 0x02,
                                                 0x10, UInt8(ascii: "0"), 0x31, 0, 0, 0, 0, 0])
        for index in Self.headerLength..<packetSize { template[index] = UInt8(truncatingIfNeeded: index &* 7) }
        self.template = template
    }

    var subscriberAddresses: [PeerAddress] { subscriberSockets.map(\.localAddress) }

    /// Sends `count` packets at `rate` per second to `target`, then keeps
    /// draining for `drain` nanoseconds so late copies count in this step.
    func run(_ stream: Stream, to target: PeerAddress, rate: Double, count: Int,
             drainNanoseconds: UInt64 = 50_000_000) -> Step {
        var step = Step(fanOut: subscriberSockets.count)
        drainAll(stream, into: &step)
        step = Step(fanOut: subscriberSockets.count)
        let interval = 1e9 / rate
        let start = monotonicNanoseconds()
        while true {
            let now = monotonicNanoseconds()
            let due = start + UInt64(Double(step.sent) * interval)
            if step.sent < count, now >= due {
                sendBurst(stream, to: target, count: min(Self.burst, count - step.sent))
                step.sent += min(Self.burst, count - step.sent)
                continue
            }
            drainAll(stream, into: &step)
            if step.sent >= count {
                let end = start + UInt64(Double(count) * interval) + drainNanoseconds
                if now >= end { break }
                sleepUntil(monotonicNanoseconds: min(end, now + 1_000_000))
            } else {
                sleepUntil(monotonicNanoseconds: min(due, now + 1_000_000))
            }
        }
        return step
    }

    /// Protects and sends `count` (≤ 32) packets of `stream` in one `sendmmsg`.
    func sendBurst(_ stream: Stream, to target: PeerAddress, count: Int) {
        for _ in 0..<min(count, Self.burst) {
            let slot = sendBatch.nextSlot()
            template.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: packetSize) }
            slot.storeBytes(of: stream.sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
            slot.storeBytes(of: stream.timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
            slot.storeBytes(of: stream.publisherSSRC.bigEndian, toByteOffset: 8, as: UInt32.self)
            slot.storeBytes(of: stream.sequenceNumber.bigEndian, toByteOffset: 19, as: UInt16.self)
            stream.sequenceNumber &+= 1
            stream.timestamp &+= 90
            guard let length = try? stream.publisher.protect(rtp: slot, length: packetSize) else { continue }
            sendBatch.commit(length: length, to: target, family: publisherSocket.family)
        }
        publisherSocket.send(sendBatch)
    }

    /// Reads everything waiting at the subscribers (and the RTCP the bridge
    /// sends the publisher, which only needs discarding). Only copies with
    /// `stream`'s announced SSRC count.
    func drainAll(_ stream: Stream, into step: inout Step) {
        while publisherSocket.receive(into: receiveBatch) == receiveBatch.capacity {}
        for (index, socket) in subscriberSockets.enumerated() {
            while true {
                let count = socket.receive(into: receiveBatch)
                for slotIndex in 0..<count {
                    tally(receiveBatch.slot(slotIndex), length: receiveBatch.length(slotIndex),
                          subscriber: index, stream: stream, into: &step)
                }
                if count < receiveBatch.capacity { break }
            }
        }
    }

    private func tally(_ slot: UnsafeMutableRawBufferPointer, length: Int, subscriber: Int, stream: Stream,
                       into step: inout Step) {
        guard length >= 12, slot.load(fromByteOffset: 8, as: UInt32.self) == stream.announcedSSRC.bigEndian,
              slot[0] & 0xC0 == 0x80, slot[1] & 0x7F == 96 else { return }
        step.received += 1
        let sequenceNumber = UInt16(bigEndian: slot.load(fromByteOffset: 2, as: UInt16.self))
        guard sequenceNumber % Self.verifyEvery == 0 else { return }
        let failure: String?
        do {
            let plain = try stream.subscribers[subscriber].unprotect(rtp: slot, length: length)
            let payloadMatches = template.withUnsafeBytes { template in
                memcmp(slot.baseAddress! + Self.headerLength, template.baseAddress! + Self.headerLength,
                       packetSize - Self.headerLength) == 0
            }
            failure = plain != packetSize ? "\(plain) bytes after unprotect, \(packetSize) sent"
                : payloadMatches ? nil : "payload differs from what was sent"
        } catch {
            failure = error.description
        }
        guard let failure else { return step.verified += 1 }
        step.verifyFailures += 1
        if step.firstFailure == nil {
            step.firstFailure = "subscriber \(subscriber + 1), sequence number \(sequenceNumber): \(failure)"
        }
    }
}

@available(*, unavailable)
extension ForwardingLoad: Sendable {}

@available(*, unavailable)
extension ForwardingLoad.Stream: Sendable {}
