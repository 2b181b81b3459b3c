import Topology

/// Plans one conference's cascade (DESIGN §5, "Trees"): which bridges link to
/// which, from the round-trip times among the conference's bridges.
///
/// - `tree`: one shared spanning tree with the shortest worst bridge-to-bridge
///   path (weighted diameter) whose bridges have at most `maxFanout` links;
///   see `TreeSearch` for the algorithm and its guarantee (exact up to six
///   bridges, never worse than the best capped star above that).
/// - `mesh`: every bridge linked to every other (Jitsi Octo); `maxFanout`
///   does not apply.
/// - `single`: no cascade; the conference moves to the bridge whose worst
///   round trip between two participants' original bridges through it is
///   smallest (ties: smallest worst RTT to one bridge, then id).
///
/// Pure and deterministic: bridges are indexed by sorted id and every tie is
/// broken by id, so the same set and latencies give the same plan whatever
/// order they were listed in. A value type, `Sendable`; `plan` is safe to call
/// from any thread.
public struct CascadePlanner: Sendable {
    public var strategy: CascadeStrategy
    public var maxFanout: Int

    public init(strategy: CascadeStrategy, maxFanout: Int) {
        self.strategy = strategy
        self.maxFanout = maxFanout
    }

    public init(settings: CascadeSettings) {
        self.init(strategy: settings.strategy, maxFanout: settings.maxFanout)
    }

    /// Plans for the given bridge ids with the RTTs of `latencies`.
    public func plan(bridges: some Sequence<String>, latencies: BridgeLatencies) throws(CascadeError) -> CascadeTree {
        try plan(latencies.table(for: bridges))
    }

    public func plan(_ table: LatencyTable) throws(CascadeError) -> CascadeTree {
        let n = table.count
        guard n > 0 else { throw .noBridges }
        let all = Array(0..<n)
        switch strategy {
        case .mesh:
            var edges: [(Int, Int)] = []
            for i in 0..<n { for j in (i + 1)..<n { edges.append((i, j)) } }
            return CascadeTree(strategy: .mesh, table: table, members: all, edges: edges)
        case .single:
            return single(table)
        case .tree:
            if n >= 3, maxFanout < 2 { throw .fanoutTooSmall(maxFanout: maxFanout, bridges: n) }
            if n == 2, maxFanout < 1 { throw .fanoutTooSmall(maxFanout: maxFanout, bridges: n) }
            let edges = TreeSearch.best(n: n, weights: table.ms, cap: maxFanout)
            return CascadeTree(strategy: .tree, table: table, members: all, edges: edges)
        }
    }

    private func single(_ table: LatencyTable) -> CascadeTree {
        let n = table.count
        // For each candidate host: the worst round trip between two original
        // bridges through it (sum of its two largest RTTs), then its largest RTT.
        func cost(_ host: Int) -> (worst: Double, farthest: Double, pair: (Int, Int)) {
            let others = (0..<n).sorted { (table[host, $1], $0) < (table[host, $0], $1) }
            let first = others[0], second = n > 1 ? others[1] : others[0]
            return (table[host, first] + table[host, second], table[host, first], (first, second))
        }
        // Each host's cost once (it sorts the others), then the cheapest.
        let costs = (0..<n).map(cost)
        let host = (0..<n).min { (costs[$0].worst, costs[$0].farthest, $0) < (costs[$1].worst, costs[$1].farthest, $1) } ?? 0
        let relocations = (0..<n).filter { $0 != host }
            .map { Relocation(bridge: table.ids[$0], rttToHostMs: table[host, $0]) }
        let (x, y) = costs.isEmpty ? (0, 0) : costs[host].pair
        let worst = n > 1
            ? WorstPath(from: table.ids[min(x, y)], to: table.ids[max(x, y)],
                        ms: table[host, x] + table[host, y], hops: x == host || y == host ? 1 : 2)
            : nil
        return CascadeTree(strategy: .single, table: table, members: [host], edges: [],
                           relocations: relocations, singleWorst: worst)
    }
}
