import Topology

/// `meridian up --emulate-wan`: one machine behaves like the topology's
/// planet. Every datagram a bridge sends to another bridge waits half the
/// round trip between their regions (the other bridge delays its replies the
/// same way, so a ping sees the full round trip), and every datagram to a
/// participant waits the round trip between the participant's region and the
/// bridge's (the participant's own packets cannot be held, so the whole
/// round trip is paid on the way out). Latencies are the topology's: declared
/// `latency-ms` first, then the great-circle estimate.
public struct WANEmulation: Sendable, Equatable {
    /// One-way delay toward each other bridge, by id.
    public var towardBridge: [String: Duration]
    /// Delay toward a participant, by the participant's region.
    public var towardRegion: [String: Duration]

    public init(towardBridge: [String: Duration], towardRegion: [String: Duration]) {
        self.towardBridge = towardBridge
        self.towardRegion = towardRegion
    }

    /// The delays of bridge `id` in `topology`; nil if it is not there.
    public init?(topology: Topology, bridge id: String) {
        guard let local = topology.bridge(id: id) else { return nil }
        let matrix = LatencyMatrix(topology: topology)
        func delay(_ ms: Double) -> Duration { .microseconds(Int64((ms * 1000).rounded())) }
        var bridges: [String: Duration] = [:]
        for other in topology.bridges where other.id != id {
            guard let rtt = matrix.rtt(local.region, other.region)?.ms else { continue }
            bridges[other.id] = delay(rtt / 2)
        }
        var regions: [String: Duration] = [:]
        for region in topology.regions {
            guard let rtt = matrix.rtt(local.region, region.name)?.ms else { continue }
            regions[region.name] = delay(rtt)
        }
        self.init(towardBridge: bridges, towardRegion: regions)
    }
}

/// Datagrams held back until their emulated delay has passed. Only used
/// under `--emulate-wan`: holding copies allocates, which the real path
/// never does.
///
/// Single-threaded: owned by the media thread.
final class DelayLine {
    private struct Held {
        let due: ContinuousClock.Instant
        let bytes: [UInt8]
        let peer: PeerAddress
    }

    /// Ordered by `due` (insertion keeps the order; delays per destination are fixed).
    private var held: [Held] = []
    private var head = 0

    var isEmpty: Bool { head == held.count }

    var nextDue: ContinuousClock.Instant? { isEmpty ? nil : held[head].due }

    func hold(_ datagram: UnsafeRawBufferPointer, to peer: PeerAddress, until due: ContinuousClock.Instant) {
        let item = Held(due: due, bytes: Array(datagram), peer: peer)
        // Mostly appended at the end; a shorter delay may need to go before longer ones.
        var index = held.count
        while index > head, held[index - 1].due > due { index -= 1 }
        held.insert(item, at: index)
    }

    /// Queues every datagram that is due into `batch` (flushing it with
    /// `flush` when full).
    func release(now: ContinuousClock.Instant, into batch: DatagramBatch, family: Int32, flush: () -> Void) {
        while head < held.count, held[head].due <= now {
            let item = held[head]
            head += 1
            if batch.isFull { flush() }
            let slot = batch.nextSlot()
            item.bytes.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: item.bytes.count) }
            batch.commit(length: item.bytes.count, to: item.peer, family: family)
        }
        if head > 1024, head * 2 > held.count {
            held.removeFirst(head)
            head = 0
        }
    }
}
