import Control
import CSocket
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The Meridian side of `meridian bench forward`: a `MediaEngine` bound to
/// 127.0.0.1:0 whose endpoints are keyed directly (no ICE, no DTLS), served
/// on its own thread by the loop `MediaBridge` runs: poll, then up to 64
/// batches of `receiveAndForward`, then timers. So every packet takes the
/// path of a real call: RFC 7983 demultiplexing, SRTP unprotect, RTP parse,
/// producer lookup, reception statistics, retransmission cache, MID erase,
/// and per receiver copy, SSRC rewrite, protect, batched send.
///
/// Concurrency: the endpoints are installed in `init`, on the creating
/// thread; after `start()` only the media thread touches the engine. Other
/// threads read `snapshot()` — counters the media thread publishes through
/// atomics after each drain, and the media thread's CPU clock — and call
/// `stop()`.
final class ForwardingBenchmarkHarness: ForwardingTarget, Sendable {
    let name = "meridian"
    let address: PeerAddress
    private let engine: HarnessEngine
    private let packetsIn = Atomic<UInt64>(0)
    private let packetsOut = Atomic<UInt64>(0)
    private let drops = Atomic<UInt64>(0)
    /// The media thread's `clockid_t`, published when it starts.
    private let cpuClock = Atomic<Int32>(0)
    private let cpuClockKnown = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let wakeFD: Int32

    /// A bridge on 127.0.0.1:0 with one publisher at `publisher` sending
    /// `legs.source` and one subscriber per address in
    /// `subscribers`, each receiving it.
    init(legs: ForwardingLegs, publisher: PeerAddress, subscribers: [PeerAddress]) throws(ForwardingBenchmarkError) {
        guard subscribers.count == legs.subscribers.count else {
            throw .invalidConfiguration("\(subscribers.count) subscriber addresses for \(legs.subscribers.count) legs")
        }
        let engine: MediaEngine
        do {
            let socket = try UDPSocket(bind: PeerAddress(ip: [127, 0, 0, 1], port: 0)!)
            engine = try MediaEngine(socket: socket, certificate: DTLSCertificate(), capacity: subscribers.count + 1)
        } catch {
            throw .setup("bridge socket or DTLS context: \(error)")
        }
        // No ICE checks arrive, so consent must outlast the run.
        engine.consentTimeout = .seconds(7 * 24 * 3600)
        let now = ContinuousClock.now
        do throws(MediaEngine.DirectEndpointError) {
            try engine.installDirectEndpoint(conference: "bench", id: "publisher", peer: publisher,
                                             keys: legs.publisher.bridgeSide, sends: [legs.source],
                                             receives: [], now: now)
            for (index, (leg, address)) in zip(legs.subscribers, subscribers).enumerated() {
                try engine.installDirectEndpoint(conference: "bench", id: "subscriber-\(index + 1)", peer: address,
                                                 keys: leg.bridgeSide, sends: [],
                                                 receives: [legs.announcedSSRC], now: now)
            }
        } catch {
            throw .setup("endpoint: \(error)")
        }
        // The keyframe request the publisher just gained receivers for.
        engine.flush()
        self.engine = HarnessEngine(engine)
        address = engine.socket.localAddress
        wakeFD = CSocket_eventfd_nonblocking()
        guard wakeFD >= 0 else { throw .setup("eventfd: \(String(cString: strerror(errno)))") }
    }

    deinit { close(wakeFD) }

    /// Starts the media thread and waits until its CPU clock is known.
    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "bench-media"
        thread.stackSize = 1 << 20
        thread.start()
        while !cpuClockKnown.load(ordering: .acquiring) { usleep(100) }
    }

    func snapshot() -> ForwardingSnapshot {
        ForwardingSnapshot(packetsIn: packetsIn.load(ordering: .acquiring),
                           packetsOut: packetsOut.load(ordering: .acquiring),
                           drops: drops.load(ordering: .acquiring),
                           cpuNanoseconds: cpuClockNanoseconds(cpuClock.load(ordering: .acquiring)))
    }

    /// Stops the media thread and waits for it.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
        finished.wait()
    }

    // MARK: Media thread

    private func run() {
        let engine = self.engine.engine
        var clock = clockid_t()
        if pthread_getcpuclockid(pthread_self(), &clock) == 0 {
            cpuClock.store(clock, ordering: .releasing)
        } else {
            cpuClock.store(CLOCK_THREAD_CPUTIME_ID, ordering: .releasing)   // reads the reader's own thread: 0s
        }
        cpuClockKnown.store(true, ordering: .releasing)
        var descriptors = [pollfd(fd: engine.socket.fd, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        var nextTick = ContinuousClock.now
        while !stopping.load(ordering: .acquiring) {
            let untilTick = nextTick - ContinuousClock.now
            let timeout = Int32(max(0, min(50, untilTick.components.seconds * 1000
                + untilTick.components.attoseconds / 1_000_000_000_000_000)))
            _ = poll(&descriptors, 2, timeout)
            if descriptors[1].revents != 0 {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
            }
            for _ in 0..<64 where engine.receiveAndForward(now: .now) == engine.receiveBatch.capacity {}
            let after = ContinuousClock.now
            if after >= nextTick {
                engine.tick(now: after)
                nextTick = min(engine.nextDeadline(now: after), after + .milliseconds(100))
            }
            packetsIn.store(engine.counters.packetsIn, ordering: .releasing)
            packetsOut.store(engine.counters.packetsOut, ordering: .releasing)
            drops.store(DropReason.allCases.reduce(0) { $0 + engine.counters.drops($1) }, ordering: .releasing)
        }
        finished.signal()
    }
}

/// Hands the engine to the media thread. `@unchecked` because the engine is
/// not thread-safe: after `start()` only the media thread touches it.
private final class HarnessEngine: @unchecked Sendable {
    let engine: MediaEngine

    init(_ engine: MediaEngine) {
        self.engine = engine
    }
}
