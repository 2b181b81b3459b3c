import Topology

extension CascadePlanner {
    /// The reference the `tree` strategy is measured against: the best
    /// single-hub layout. With `maxFanout` `nil` (or at least `n − 1`) it is
    /// the plain star through the hub with the shortest worst path; otherwise
    /// the best capped "star of stars" (see `CappedStar`). Ties by hub id.
    public static func bestStar(_ table: LatencyTable, maxFanout: Int? = nil) throws(CascadeError) -> CascadeTree {
        let n = table.count
        guard n > 0 else { throw .noBridges }
        let cap = maxFanout ?? max(1, n - 1)
        if n >= 3, cap < 2 { throw .fanoutTooSmall(maxFanout: cap, bridges: n) }
        let growing = GrowingTree(n: n, cap: cap, weights: table.ms)
        var best: (score: TreeScore, edges: [(Int, Int)])?
        for hub in 0..<n {
            CappedStar.build(hub: hub, into: growing)
            if best.map({ growing.score < $0.score }) ?? true { best = (growing.score, growing.edges) }
        }
        return CascadeTree(strategy: .tree, table: table, members: Array(0..<n), edges: best?.edges ?? [])
    }
}
