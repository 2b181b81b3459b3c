#if canImport(Glibc)
import Glibc
#endif

/// Counters of a forwarder under load, read between measurement windows.
/// Differences of two snapshots give packets handled and CPU spent.
struct ForwardingSnapshot {
    /// Datagrams the forwarder read from its socket.
    var packetsIn: UInt64
    /// Copies it queued for sending.
    var packetsOut: UInt64
    /// Datagrams or copies it dropped (SRTP failures, kernel refusals, …).
    var drops: UInt64
    /// CPU time of the forwarding thread (user + system).
    var cpuNanoseconds: UInt64
}

/// A forwarder `meridian bench forward` drives: the Meridian bridge
/// (`ForwardingBenchmarkHarness`) or the C reference (`ForwardingReference`).
/// Both listen on 127.0.0.1 and forward what the publisher sends to the same
/// subscriber sockets.
protocol ForwardingTarget: AnyObject {
    var name: String { get }
    /// Where the publisher sends.
    var address: PeerAddress { get }
    func snapshot() throws(ForwardingBenchmarkError) -> ForwardingSnapshot
    func stop()
}

/// Reads a CPU-time clock (`CLOCK_THREAD_CPUTIME_ID`, or the clock of
/// another thread from `pthread_getcpuclockid`) in nanoseconds.
func cpuClockNanoseconds(_ clock: clockid_t) -> UInt64 {
    var time = timespec()
    guard clock_gettime(clock, &time) == 0 else { return 0 }
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// CLOCK_MONOTONIC in nanoseconds, for pacing the load.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Sleeps until CLOCK_MONOTONIC reaches `deadline` (nanoseconds).
func sleepUntil(monotonicNanoseconds deadline: UInt64) {
    var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
}

