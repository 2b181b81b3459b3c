/// The sending side of one UDP socket: a preallocated batch that datagrams
/// are written into and sent with one `sendmmsg`, and — only under
/// `--emulate-wan` — the datagrams held back for their emulated delay. The
/// media socket and the overlay socket each send through one, so holding,
/// releasing and counting refusals live here once.
///
/// Single-threaded: owned by the media thread.
final class Outbox {
    let socket: UDPSocket
    private let batch = DatagramBatch(capacity: 256)
    private let delays = DelayLine()
    /// Datagrams the kernel refused, not yet taken by `takeRefused()`.
    private var refused = 0

    init(socket: UDPSocket) {
        self.socket = socket
    }

    /// The slot the next datagram is written into (a full batch is sent first).
    func slot() -> UnsafeMutableRawBufferPointer {
        if batch.isFull { flush() }
        return batch.nextSlot()
    }

    /// Queues the `length` octets written into `slot()` for `peer`, or holds
    /// them for `delay` when there is one.
    func commit(length: Int, to peer: PeerAddress, delay: Duration? = nil) {
        guard let delay else { return batch.commit(length: length, to: peer, family: socket.family) }
        delays.hold(UnsafeRawBufferPointer(rebasing: batch.nextSlot()[0..<length]), to: peer, until: .now + delay)
    }

    /// Sends everything queued and every held datagram that is due.
    func flush() {
        if !delays.isEmpty {
            delays.release(now: .now, into: batch, family: socket.family) { refused += socket.send(batch) }
        }
        guard batch.count > 0 else { return }
        refused += socket.send(batch)
    }

    /// When the next held datagram is due, if any.
    var nextDue: ContinuousClock.Instant? { delays.nextDue }

    /// How many datagrams the kernel refused since the last call.
    func takeRefused() -> Int {
        defer { refused = 0 }
        return refused
    }
}

@available(*, unavailable)
extension Outbox: Sendable {}
