/// The "star of stars" through one hub: the reference the `tree` strategy
/// must never do worse than.
///
/// The other bridges are taken in order of their RTT to the hub (ties by
/// index). The first `cap` attach to the hub; each later one attaches to the
/// already placed bridge with a free link that minimises its path latency to
/// the hub (ties by index). With `cap ≥ n − 1` this is exactly the plain star
/// through the hub, the layout a simple controller would choose; below that it
/// is the natural degree-capped generalisation (the hub's nearest bridges act
/// as second-level hubs).
///
/// Needs `cap ≥ 2` when `n ≥ 3` (a tree always has a leaf with a free link).
/// O(n²).
enum CappedStar {
    static func build(hub: Int, into tree: GrowingTree) {
        let n = tree.n, w = tree.weights, dist = tree.dist
        let order = (0..<n).filter { $0 != hub }.sorted { (w[hub * n + $0], $0) < (w[hub * n + $1], $1) }
        tree.reset(root: hub)
        for v in order {
            var parent = hub
            if tree.degree[hub] >= tree.cap {
                var best = Double.infinity
                for u in 0..<n where tree.inTree[u] && tree.degree[u] < tree.cap {
                    let d = dist[hub * n + u] + w[u * n + v]
                    if d < best { best = d; parent = u }
                }
            }
            tree.attach(v, to: parent)
        }
    }
}
