import Control
import Topology

/// Which bridges exist (the topology), which are connected (the control
/// channel), and how loaded they are (their stats). A bridge is `up` while
/// connected and reporting; one silent for `silenceLimit` is `down`. A bridge
/// is draining (no new participants, existing ones stay) when the topology
/// says `drain: true`, when it was removed from the topology but is still
/// connected (`retired`), or when an operator drained it at run time
/// (`POST /v1/bridges/{id}/drain`, `meridian bridge drain ID`).
public actor BridgeRegistry {
    public static let defaultSilenceLimit: Duration = .seconds(3)

    /// A bridge silent for longer than this is `down`.
    public let silenceLimit: Duration

    struct Entry {
        var bridge: Bridge
        var link: BridgeLink?
        /// The report before `latest`, kept so that rates (per-link packets
        /// and bits per second) can be derived from two counters.
        var previous: StatsSample?
        var latest: StatsSample?
        /// The last report (all zero until the first one).
        var stats: BridgeStats { latest?.stats ?? BridgeStats() }
        var lastSeen: ContinuousClock.Instant?
        /// Removed from the topology while connected: draining until it
        /// disconnects. `bridge` stays the last version the topology had.
        var retired = false
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    /// Bridges drained by an operator at run time (kept across topology
    /// reloads while the bridge stays in the topology).
    private var drainedAtRuntime: Set<String> = []

    public init(topology: Topology, silenceLimit: Duration = BridgeRegistry.defaultSilenceLimit) {
        self.silenceLimit = silenceLimit
        (order, entries) = Self.merge(topology, into: [:])
    }

    /// Adopts a new topology version (live reload, DESIGN §3): new bridges
    /// appear (selectable once they connect), changed ones take their new
    /// capacity, region or drain flag, and removed ones drain: a removed
    /// bridge that is still connected keeps its participants but gets no new
    /// ones, and is forgotten when its socket closes.
    public func apply(_ topology: Topology) {
        (order, entries) = Self.merge(topology, into: entries)
        drainedAtRuntime.formIntersection(order)
    }

    private static func merge(_ topology: Topology, into entries: [String: Entry]) -> ([String], [String: Entry]) {
        var next: [String: Entry] = [:]
        var order = topology.bridges.map(\.id)
        for bridge in topology.bridges {
            var entry = entries[bridge.id] ?? Entry(bridge: bridge)
            entry.bridge = bridge
            entry.retired = false  // back in the topology
            next[bridge.id] = entry
        }
        for (id, entry) in entries.sorted(by: { $0.key < $1.key }) where next[id] == nil && entry.link != nil {
            var retired = entry
            retired.retired = true
            next[id] = retired
            order.append(id)
        }
        return (order, next)
    }

    public enum ConnectError: Error, Equatable, CustomStringConvertible {
        case unknownBridge(String)
        case wrongRegion(String, expected: String)

        public var description: String {
            switch self {
            case .unknownBridge(let id): return "bridge '\(id)' is not in the topology"
            case .wrongRegion(let region, let expected): return "bridge says region '\(region)', the topology says '\(expected)'"
            }
        }
    }

    /// Registers a bridge that said hello; replaces an older link of the same
    /// bridge (a reconnect after a network blip).
    public func connect(_ link: BridgeLink) async throws(ConnectError) {
        guard var entry = entries[link.bridge] else { throw .unknownBridge(link.bridge) }
        guard entry.bridge.region == link.hello.region else {
            throw .wrongRegion(link.hello.region, expected: entry.bridge.region)
        }
        let previous = entry.link
        entry.link = link
        entry.lastSeen = .now
        entries[link.bridge] = entry
        await previous?.close()
    }

    /// The socket of `link` closed. Returns `false` when `link` was no
    /// longer the bridge's current link (a newer connection replaced it), in
    /// which case nothing changed.
    @discardableResult
    public func disconnect(_ link: BridgeLink) async -> Bool {
        guard var entry = entries[link.bridge], entry.link === link else { return false }
        entry.link = nil
        if entry.retired {
            entries[link.bridge] = nil
            order.removeAll { $0 == link.bridge }
            drainedAtRuntime.remove(link.bridge)
        } else {
            entries[link.bridge] = entry
        }
        await link.close()
        return true
    }

    /// Records a stats report received `at` (now, except in tests that need
    /// exact intervals for rates).
    public func report(_ stats: BridgeStats, from bridge: String, at instant: ContinuousClock.Instant = .now) {
        guard var entry = entries[bridge] else { return }
        entry.previous = entry.latest
        entry.latest = StatsSample(stats: stats, at: instant)
        entry.lastSeen = instant
        entries[bridge] = entry
    }

    /// The two latest stats reports of a bridge, oldest first (`previous` is
    /// `nil` until the second report).
    public func samples(_ id: String) -> (previous: StatsSample?, latest: StatsSample?) {
        (entries[id]?.previous, entries[id]?.latest)
    }

    /// Bridges that are up now (connected and reporting), in topology order.
    public func upBridges() -> [String] {
        order.filter { isUp($0) }
    }

    /// The current links of the given bridges that are up.
    public func links(_ ids: some Sequence<String>) -> [String: BridgeLink] {
        var result: [String: BridgeLink] = [:]
        for id in ids { if let link = link(id) { result[id] = link } }
        return result
    }

    public func link(_ bridge: String) -> BridgeLink? {
        guard isUp(bridge) else { return nil }
        return entries[bridge]?.link
    }

    public func isUp(_ bridge: String) -> Bool {
        guard let entry = entries[bridge], entry.link != nil, let seen = entry.lastSeen else { return false }
        return ContinuousClock.now - seen <= silenceLimit
    }

    public func bridge(_ id: String) -> Bridge? { entries[id]?.bridge }

    /// The last stats report of every bridge that sent one.
    public func allStats() -> [String: BridgeStats] {
        entries.compactMapValues { $0.latest?.stats }
    }

    public func infos() -> [BridgeInfo] {
        order.compactMap { id in
            guard let entry = entries[id] else { return nil }
            let state = !isUp(id) ? "down" : isDraining(id) ? "draining" : "up"
            let stats = entry.stats
            return BridgeInfo(id: id, region: entry.bridge.region, state: state, stress: stats.stress,
                              endpoints: stats.endpoints, packetsIn: stats.packetsIn, packetsOut: stats.packetsOut,
                              retransmissions: stats.retransmissions, drops: stats.drops,
                              links: stats.links.map { .init(peer: $0.peer, up: $0.up, rttMs: $0.rttMs) })
        }
    }

    /// Whether `id` takes no new participants (topology, removal from the
    /// topology, or operator).
    public func isDraining(_ id: String) -> Bool {
        guard let entry = entries[id] else { return false }
        return entry.bridge.drain || entry.retired || drainedAtRuntime.contains(id)
    }

    /// Drains (`true`) or undrains a bridge at run time. Idempotent.
    public func setDraining(_ id: String, _ draining: Bool) -> DrainChange {
        guard let entry = entries[id] else { return .unknownBridge }
        if draining {
            drainedAtRuntime.insert(id)
        } else {
            guard !entry.retired else { return .removedFromTopology }
            guard !entry.bridge.drain else { return .drainedByTopology }
            drainedAtRuntime.remove(id)
        }
        return .applied
    }

    /// Every bridge of the topology as bridge selection sees it, in topology
    /// order: up or not, draining or not, and its last report.
    public func placementView() -> [PlacementView] {
        order.compactMap { id in
            guard let entry = entries[id] else { return nil }
            return PlacementView(bridge: entry.bridge, up: isUp(id), draining: isDraining(id),
                                 reportedEndpoints: entry.stats.endpoints,
                                 reportedStress: entry.stats.stress, reportedAt: entry.latest?.at)
        }
    }
}

extension BridgeRegistry {
    /// What `setDraining` did.
    public enum DrainChange: Sendable, Equatable {
        case applied
        case unknownBridge
        /// Undraining a bridge the topology drains (`drain: true`): only a
        /// topology edit can undo that.
        case drainedByTopology
        /// Undraining a bridge removed from the topology that is still
        /// connected: it drains until it disconnects; only adding it back to
        /// the topology makes it take participants again.
        case removedFromTopology
    }
}

/// One bridge's state and last report, for bridge selection.
public struct PlacementView: Sendable {
    public var bridge: Bridge
    public var up: Bool
    public var draining: Bool
    public var reportedEndpoints: Int
    public var reportedStress: Double
    /// When the last report arrived (`nil`: none yet).
    public var reportedAt: ContinuousClock.Instant?
}

/// One stats report and when the controller received it.
public struct StatsSample: Sendable {
    public var stats: BridgeStats
    public var at: ContinuousClock.Instant
}
