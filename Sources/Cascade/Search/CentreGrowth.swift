/// Grows a degree-capped tree from a centre (one bridge, or the two ends of
/// one link), Prim-style, keeping the worst path as short as possible at each
/// step.
///
/// At every step it attaches the outside bridge `v` to the tree bridge `u`
/// (with a free link) that minimises `ecc(u) + rtt(u, v)`: the longest path
/// that would end at `v`, which is exactly how much the new bridge could
/// stretch the diameter. Near bridges therefore join first and become relays,
/// and a bridge that shares a metro with one already in the tree hangs below
/// it rather than taking one of the centre's scarce links. Ties go to the
/// lowest `v`, then the lowest `u`.
///
/// Evaluated lazily: each outside bridge keeps a lower bound of its best
/// attachment (eccentricities only grow and a full bridge only removes
/// options, so a bound stays a bound; a new member can only lower it, which
/// is applied at once). The bridge with the smallest bound is re-scored
/// exactly (O(n)) and taken if it is still the smallest. Same result as
/// scoring every pair at every step, in about O(n²) instead of O(n³).
enum CentreGrowth {
    static func grow(seeds: [Int], into tree: GrowingTree) {
        let n = tree.n, w = tree.weights, ecc = tree.ecc, degree = tree.degree, inTree = tree.inTree
        guard let first = seeds.first else { return }
        tree.reset(root: first)
        for seed in seeds.dropFirst() { tree.attach(seed, to: first) }
        let bound = tree.bound, exact = tree.exact
        for v in 0..<n where !inTree[v] {
            bound[v] = .infinity
            for k in 0..<tree.count { bound[v] = min(bound[v], ecc[tree.members[k]] + w[v * n + tree.members[k]]) }
            exact[v] = false
        }
        while tree.count < n {
            // The outside bridge with the smallest bound (ties: lowest index).
            var v = -1
            for x in 0..<n where !inTree[x] && (v < 0 || bound[x] < bound[v]) { v = x }
            guard v >= 0 else { return }
            if !exact[v] {
                var best = Double.infinity
                for u in 0..<n where inTree[u] && degree[u] < tree.cap {
                    let s = ecc[u] + w[v * n + u]
                    if s < best { best = s }
                }
                bound[v] = best
                exact[v] = true
                continue
            }
            var parent = -1
            for u in 0..<n where inTree[u] && degree[u] < tree.cap && ecc[u] + w[v * n + u] == bound[v] {
                parent = u
                break
            }
            guard parent >= 0 else { return }   // unreachable with cap ≥ 2
            tree.attach(v, to: parent)
            // Eccentricities grew: every bound is now only a bound. The new
            // member is a new option for everyone.
            for x in 0..<n where !inTree[x] {
                exact[x] = false
                let s = ecc[v] + w[x * n + v]
                if s < bound[x] { bound[x] = s }
            }
        }
    }
}
