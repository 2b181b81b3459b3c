import Cascade

/// One conference's cascade state on this bridge, from the controller's
/// last `cascade` command and the interest its neighbours sent.
///
/// Single-threaded: owned by the media thread.
final class ConferenceCascade {
    var routes: CascadeRoutes
    /// Announced SSRC → the bridge where that stream enters the cascade.
    var origins: [UInt32: String] = [:]
    /// What each neighbour asked this bridge to send it.
    var interestFrom: [String: Set<UInt32>] = [:]
    /// Interest sets arriving in several chunks, by neighbour.
    var interestAssembly: [String: InterestAssembly] = [:]
    /// What this bridge last asked each neighbour for.
    var interestSent: [String: Set<UInt32>] = [:]
    /// Load of this conference on each link, by neighbour.
    var counters: [String: ConferenceLinkCounters] = [:]

    init(routes: CascadeRoutes) {
        self.routes = routes
    }

    func counters(for peer: String) -> ConferenceLinkCounters {
        if let existing = counters[peer] { return existing }
        let created = ConferenceLinkCounters()
        counters[peer] = created
        return created
    }
}

@available(*, unavailable)
extension ConferenceCascade: Sendable {}
