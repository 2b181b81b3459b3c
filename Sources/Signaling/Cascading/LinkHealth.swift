import Cascade
import Control
import Topology

/// What the controller knows about the cascade links between bridges: which
/// pairs a bridge reported down, and the round trips bridges measured. It
/// turns that into the `BridgeLatencies` the planner works from.
///
/// A pair reported down (by either end) gets `brokenMs`, not a removal: the
/// planner needs a figure for every pair, and a huge one makes it route
/// around the pair whenever any other shape exists, yet still join two
/// bridges that have no other way (the bridges then retry the link, and its
/// `up` event clears the mark). The penalty is the planner's input only:
/// what the API shows for such an edge is no RTT (`rtt(planned:)`). A
/// bridge that reconnects starts over with no marks: its links are new.
///
/// Live RTTs come from the stats reports (`links[].rttMs`, the mean of both
/// ends' figures while the link is up) and, when no report has one, from the
/// last `up` event. A value type held by the `Controller` actor.
struct LinkHealth: Sendable {
    /// The RTT given to a pair reported down, in milliseconds.
    static let brokenMs = 1e6

    private(set) var down: Set<BridgePair> = []
    /// RTTs carried by `up` events, used until a stats report has one.
    private var announced: [BridgePair: Double] = [:]

    /// Applies a link event from `bridge`; returns whether the pair's state
    /// changed (only then do plans need recomputing).
    mutating func apply(_ event: LinkEvent, from bridge: String) -> Bool {
        let pair = BridgePair(bridge, event.peer)
        switch event.state {
        case .down:
            announced[pair] = nil
            return down.insert(pair).inserted
        case .up:
            if let ms = event.rttMs { announced[pair] = ms }  // `updateLive` refuses nonsense
            return down.remove(pair) != nil
        }
    }

    /// Forgets every mark involving `bridge` (it reconnected: new links).
    mutating func forget(_ bridge: String) {
        down = down.filter { $0.first != bridge && $0.second != bridge }
        announced = announced.filter { $0.key.first != bridge && $0.key.second != bridge }
    }

    /// The RTT to show for a planned edge: its figure, or `nil` when that is
    /// the down penalty rather than a round trip.
    static func rtt(planned ms: Double) -> Double? { ms < brokenMs ? ms : nil }

    /// Latencies for planning: topology figures, overridden by live RTTs
    /// from `stats` (bridge id → its last report), overridden by down marks.
    func latencies(topology: Topology, stats: [String: BridgeStats]) -> BridgeLatencies {
        var latencies = BridgeLatencies(topology: topology)
        var measured: [BridgePair: [Double]] = [:]
        for (bridge, report) in stats {
            for link in report.links where link.up && link.peer != bridge {
                // Checked per figure (not only by `updateLive`): one end's
                // nonsense must not spoil the mean with the other's.
                guard let ms = link.rttMs, ms.isFinite, ms >= 0, latencies.isKnown(link.peer) else { continue }
                measured[BridgePair(bridge, link.peer), default: []].append(ms)
            }
        }
        for (pair, ms) in announced where measured[pair] == nil {
            latencies.updateLive(ms, pair.first, pair.second)
        }
        for (pair, figures) in measured {
            latencies.updateLive(figures.reduce(0, +) / Double(figures.count), pair.first, pair.second)
        }
        for pair in down { latencies.updateLive(Self.brokenMs, pair.first, pair.second) }
        return latencies
    }
}
