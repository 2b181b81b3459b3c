/// Liveness and round trip of one link by ping/pong (DESIGN §5): a ping
/// every `interval`; a pong echoes the ping's token (the send time), which
/// gives the RTT without keeping a table of pings in flight. The link is up
/// from the first pong and down once `missLimit` intervals pass without one.
///
/// Pure state: the bridge calls it with the clock and sends what it says.
/// Tokens are nanoseconds since `epoch`; the envelope around every frame is
/// authenticated, so a token can only come back from the real peer.
public struct LinkLiveness: Sendable {
    public enum State: Sendable, Equatable {
        case down
        case up
    }

    public enum Transition: Sendable, Equatable {
        case wentUp
        case wentDown
    }

    public let interval: Duration
    public let missLimit: Int
    public private(set) var state: State = .down
    /// Smoothed RTT (RFC 6298-style, α = 1/8); nil before the first pong.
    public private(set) var smoothedRTT: Duration?
    public private(set) var lastRTT: Duration?
    private let epoch: ContinuousClock.Instant
    private var nextPing: ContinuousClock.Instant
    private var lastPong: ContinuousClock.Instant?

    public init(interval: Duration = .milliseconds(100), missLimit: Int = 3, now: ContinuousClock.Instant) {
        self.interval = interval
        self.missLimit = missLimit
        epoch = now
        nextPing = now
    }

    /// A token to send in a ping now, or nil when no ping is due.
    public mutating func pingDue(now: ContinuousClock.Instant) -> UInt64? {
        guard now >= nextPing else { return nil }
        nextPing = now + interval
        return Self.nanoseconds(now - epoch)
    }

    /// Makes the next ping due now (a session was just established: no
    /// reason to wait for the interval to learn the link works).
    public mutating func pingNow(at now: ContinuousClock.Instant) {
        nextPing = min(nextPing, now)
    }

    /// When the next ping or timeout check is due.
    public var nextDeadline: ContinuousClock.Instant { nextPing }

    /// A pong arrived with `token`.
    public mutating func pongReceived(token: UInt64, now: ContinuousClock.Instant) -> Transition? {
        let elapsed = Self.nanoseconds(now - epoch)
        guard token <= elapsed else { return nil }
        let rtt = Duration.nanoseconds(Int64(elapsed - token))
        lastRTT = rtt
        smoothedRTT = smoothedRTT.map { $0 * 7 / 8 + rtt / 8 } ?? rtt
        lastPong = now
        guard state == .down else { return nil }
        state = .up
        return .wentUp
    }

    /// Checks for missed pongs; call it at every ping.
    public mutating func check(now: ContinuousClock.Instant) -> Transition? {
        guard state == .up, let lastPong, now - lastPong > interval * missLimit else { return nil }
        state = .down
        return .wentDown
    }

    /// The peer said bye.
    public mutating func markDown() -> Transition? {
        guard state == .up else { return nil }
        state = .down
        return .wentDown
    }

    public var rttMilliseconds: Double? {
        smoothedRTT.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000
    }
}
