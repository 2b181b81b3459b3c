import Topology

/// Where a round-trip time comes from, most trusted first.
public enum LatencySource: String, Sendable, Equatable, CaseIterable {
    /// Measured on the cascade link itself (ping/pong).
    case live
    /// The operator's `latency-ms` between the two bridges' regions.
    case declared
    /// Great-circle estimate from the regions' coordinates (or 1 ms within a region).
    case estimated
}

/// One round-trip time between two bridges and its source.
public struct BridgeRTT: Sendable, Equatable {
    public var ms: Double
    public var source: LatencySource

    public init(ms: Double, source: LatencySource) {
        self.ms = ms
        self.source = source
    }
}

/// Round-trip times between bridges (DESIGN §5, "Trees"): live RTTs measured
/// by the link layer where it has them, otherwise the topology's declared
/// `latency-ms` between the bridges' regions, otherwise the coordinate
/// estimate of `LatencyMatrix`.
///
/// Live figures win because they are what the packets actually experience;
/// a live figure disappears (`updateLive(nil, …)`) when its link goes down so
/// that the plan falls back to the operator's numbers rather than a stale one.
/// Value type, `Sendable`: the link layer owns one and hands copies to the
/// planner.
public struct BridgeLatencies: Sendable {
    private let regionOf: [String: String]
    private let matrix: LatencyMatrix
    /// Bridge ids of the topology, sorted (for error messages).
    public let knownBridges: [String]
    /// Live round-trip times in milliseconds, keyed by unordered bridge pair.
    public private(set) var live: [BridgePair: Double]

    public init(topology: Topology, live: [BridgePair: Double] = [:]) {
        regionOf = Dictionary(topology.bridges.map { ($0.id, $0.region) }, uniquingKeysWith: { first, _ in first })
        matrix = LatencyMatrix(topology: topology)
        knownBridges = topology.bridges.map(\.id).sorted()
        self.live = [:]
        for (pair, ms) in live { updateLive(ms, pair.first, pair.second) }
    }

    /// Records (or with `nil`, forgets) the live RTT of the link `a~b`.
    /// Returns `false` and keeps the previous figure when `ms` is negative,
    /// infinite or NaN: a clock hiccup must not reshape every tree.
    @discardableResult
    public mutating func updateLive(_ ms: Double?, _ a: String, _ b: String) -> Bool {
        guard let ms else { live[BridgePair(a, b)] = nil; return true }
        guard ms.isFinite, ms >= 0 else { return false }
        live[BridgePair(a, b)] = ms
        return true
    }

    public func isKnown(_ bridge: String) -> Bool { regionOf[bridge] != nil }

    public func region(of bridge: String) -> String? { regionOf[bridge] }

    /// The RTT between two bridges; `nil` if either is not in the topology.
    /// A bridge is 0 ms from itself.
    public func rtt(_ a: String, _ b: String) -> BridgeRTT? {
        guard let ra = regionOf[a], let rb = regionOf[b] else { return nil }
        if a == b { return BridgeRTT(ms: 0, source: .estimated) }
        if let ms = live[BridgePair(a, b)] { return BridgeRTT(ms: ms, source: .live) }
        guard let (ms, source) = matrix.rtt(ra, rb) else { return nil }
        return BridgeRTT(ms: ms, source: source == .declared ? .declared : .estimated)
    }

    /// The resolved table for one conference's bridges; throws
    /// `CascadeError.unknownBridge` for an id the topology does not declare.
    public func table(for bridges: some Sequence<String>) throws(CascadeError) -> LatencyTable {
        let ids = Set(bridges)
        for id in ids.sorted() where !isKnown(id) {
            throw .unknownBridge(id, known: knownBridges)
        }
        return try LatencyTable(bridges: ids) { a, b in rtt(a, b) }
    }
}
