extension TreeState {
    /// Two links exchanged: `near–far` on the worst path and `r–s` hanging
    /// off it on `near`'s side become `near–s` and `r–far`. The part below
    /// `s` moves next to the worst path and the part beyond `far` moves to
    /// `r`; every bridge keeps its number of links, so the move is always
    /// within the fan-out cap. It is what a single re-hang cannot do when the
    /// bridges that should take a part have no free link (typically the
    /// centre, whose links are held by near bridges that could relay).
    struct Swap {
        let near: Int, far: Int, r: Int, s: Int
    }

    func apply(_ swap: Swap) {
        unlink(swap.near, swap.far)
        unlink(swap.r, swap.s)
        link(swap.near, swap.s)
        link(swap.r, swap.far)
    }

    private func undo(_ swap: Swap) {
        unlink(swap.near, swap.s)
        unlink(swap.r, swap.far)
        link(swap.near, swap.far)
        link(swap.r, swap.s)
    }

    /// The best strictly improving swap, each scored by `evaluate` (O(n)):
    /// O(h · n) candidates for a worst path of `h` links. Ties: first link
    /// along the path, then the hanging link by index.
    func bestSwap(score: TreeScore, worstPath: [Int]) -> Swap? {
        let h = worstPath.count - 1
        guard h >= 1 else { return nil }
        // Each bridge off the path: the path position it hangs from and its
        // parent towards the path (from one walk rooted at the path's start).
        var position = [Int](repeating: -1, count: n)
        for (k, node) in worstPath.enumerated() { position[node] = k }
        let count = walk(from: worstPath[0], without: -1)
        var hanging: [(r: Int, s: Int)] = []
        for index in 0..<count {
            let node = order[index]
            guard position[node] < 0 else { continue }
            position[node] = position[parent[node]]
            hanging.append((parent[node], node))
        }
        hanging.sort { ($0.r, $0.s) < ($1.r, $1.s) }

        var best = score
        var found: Swap?
        for k in 0..<h {
            for (r, s) in hanging {
                // On the first part (positions ≤ k) the path's near end is worstPath[k].
                let swap = position[s] <= k
                    ? Swap(near: worstPath[k], far: worstPath[k + 1], r: r, s: s)
                    : Swap(near: worstPath[k + 1], far: worstPath[k], r: r, s: s)
                if swap.r == swap.near { continue }   // would only re-link the same parts
                apply(swap)
                let candidate = evaluate().score
                undo(swap)
                if candidate.improves(on: best) {
                    best = candidate
                    found = swap
                }
            }
        }
        return found
    }
}
