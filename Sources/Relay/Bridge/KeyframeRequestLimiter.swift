/// Coalesces keyframe requests (PLI/FIR) toward one source: however many
/// receivers ask, the sender gets at most one request per interval. A
/// keyframe is large; asking for several in a row only congests the sender's
/// uplink and delays the one that repairs the picture.
struct KeyframeRequestLimiter {
    static let defaultInterval: Duration = .seconds(1)

    let interval: Duration
    private var lastSent: ContinuousClock.Instant?

    init(interval: Duration = KeyframeRequestLimiter.defaultInterval) {
        self.interval = interval
    }

    /// True if a request may go to the sender now (and records it).
    mutating func shouldSend(at now: ContinuousClock.Instant) -> Bool {
        if let lastSent, now - lastSent < interval { return false }
        lastSent = now
        return true
    }
}
