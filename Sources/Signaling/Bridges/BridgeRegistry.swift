import Control
import Topology

/// Which bridges exist (the topology), which are connected (the control
/// channel), and how loaded they are (their stats). A bridge is `up` while
/// connected and reporting; one silent for `silenceLimit` is `down`.
public actor BridgeRegistry {
    public static let defaultSilenceLimit: Duration = .seconds(3)

    /// A bridge silent for longer than this is `down`.
    public let silenceLimit: Duration

    struct Entry {
        var bridge: Bridge
        var link: BridgeLink?
        var stats = BridgeStats()
        var lastSeen: ContinuousClock.Instant?
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    public init(topology: Topology, silenceLimit: Duration = BridgeRegistry.defaultSilenceLimit) {
        self.silenceLimit = silenceLimit
        (order, entries) = Self.merge(topology, into: [:])
    }

    /// Adopts a new topology version: new bridges appear, removed ones are
    /// forgotten (their link, if any, is closed by the caller's socket).
    public func apply(_ topology: Topology) {
        (order, entries) = Self.merge(topology, into: entries)
    }

    private static func merge(_ topology: Topology, into entries: [String: Entry]) -> ([String], [String: Entry]) {
        var next: [String: Entry] = [:]
        for bridge in topology.bridges {
            var entry = entries[bridge.id] ?? Entry(bridge: bridge)
            entry.bridge = bridge
            next[bridge.id] = entry
        }
        return (topology.bridges.map(\.id), next)
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

    /// The socket of `link` closed.
    public func disconnect(_ link: BridgeLink) async {
        guard var entry = entries[link.bridge], entry.link === link else { return }
        entry.link = nil
        entries[link.bridge] = entry
        await link.close()
    }

    public func report(_ stats: BridgeStats, from bridge: String) {
        entries[bridge]?.stats = stats
        entries[bridge]?.lastSeen = .now
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

    public func stats(_ id: String) -> BridgeStats? { entries[id]?.stats }

    public func infos() -> [BridgeInfo] {
        order.compactMap { id in
            guard let entry = entries[id] else { return nil }
            let state = !isUp(id) ? "down" : entry.bridge.drain ? "draining" : "up"
            let stats = entry.stats
            return BridgeInfo(id: id, region: entry.bridge.region, state: state, stress: stats.stress,
                              endpoints: stats.endpoints, packetsIn: stats.packetsIn, packetsOut: stats.packetsOut,
                              retransmissions: stats.retransmissions, drops: stats.drops)
        }
    }

    /// Bridges that may take new participants now, in topology order.
    public func selectable() -> [Bridge] {
        order.compactMap { id in
            guard let entry = entries[id], isUp(id), !entry.bridge.drain else { return nil }
            return entry.bridge
        }
    }
}
