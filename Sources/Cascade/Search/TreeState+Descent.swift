extension TreeState {
    /// Local search on the worst path: moves that re-hang one part of the
    /// tree elsewhere (`bestRehang`), and when none improves, swaps of two
    /// parts (`bestSwap`), until neither strictly improves `TreeScore` or
    /// `work` reaches `budget`.
    ///
    /// Only a link *on* the worst path can shorten it when removed (otherwise
    /// both ends stay connected as before), so every move cuts one of those.
    func descend(budget: Int) {
        while work < budget {
            let (score, worst) = evaluate()
            guard worst.0 != worst.1 else { return }
            let worstPath = path(worst.0, worst.1)
            if let move = bestRehang(score: score, worstPath: worstPath) {
                unlink(move.p, move.q)
                link(move.u, move.v)
            } else if let swap = bestSwap(score: score, worstPath: worstPath) {
                apply(swap)
            } else {
                return
            }
        }
    }

    /// Cutting `p–q` splits the tree into `A ∋ p` and `B ∋ q`; every
    /// reconnection `a–b` (both with a free link) is scored exactly in O(1)
    /// from per-side tables:
    ///
    ///     diameter = max(diam A, diam B, ecc_A(a) + rtt(a, b) + ecc_B(b))
    ///     total    = total A + total B + |B|·sum_A(a) + |A|·sum_B(b) + |A|·|B|·rtt(a, b)
    ///
    /// where `ecc_A(a)` / `sum_A(a)` are the longest and summed path
    /// latencies from `a` inside `A` (`sideTables`, O(|A|)). Returns the best
    /// strictly improving move (ties: first link along the path, then lowest
    /// `a`, `b`).
    private func bestRehang(score: TreeScore, worstPath: [Int]) -> (p: Int, q: Int, u: Int, v: Int)? {
        var best = score
        var found: (p: Int, q: Int, u: Int, v: Int)?
        var freeA: [Int] = [], freeB: [Int] = []
        freeA.reserveCapacity(n)
        freeB.reserveCapacity(n)
        for k in 0..<(worstPath.count - 1) {
            let (p, q) = (worstPath[k], worstPath[k + 1])
            let sideA = sideTables(root: p, without: q, free: &freeA)
            guard sideA.diameter <= best.diameter else { continue }
            let sideB = sideTables(root: q, without: p, free: &freeB)
            let floor = max(sideA.diameter, sideB.diameter)
            guard floor <= best.diameter else { continue }
            work += freeA.count * freeB.count
            let fixed = sideA.total + sideB.total
            let a = Double(sideA.size), b = Double(sideB.size)
            for u in freeA {
                let eccU = ecc[u], sumU = sum[u], row = u * n
                for v in freeB where u != p || v != q {
                    let w = weights[row + v]
                    let diameter = max(floor, eccU + w + ecc[v])
                    if diameter > best.diameter { continue }
                    let candidate = TreeScore(diameter: diameter, total: fixed + b * sumU + a * sum[v] + a * b * w)
                    if candidate.improves(on: best) {
                        best = candidate
                        found = (p, q, u, v)
                    }
                }
            }
        }
        return found
    }

    /// For the part reachable from `root` without the link to `without`:
    /// fills `ecc` and `sum` of its bridges (heights and sums below each
    /// bridge, then carried down from the root: "rerooting"), lists in
    /// `free` (ascending) those with a free link once `root–without` is gone,
    /// and returns the part's diameter, total pairwise latency and size.
    /// O(size).
    func sideTables(root: Int, without: Int, free: inout [Int]) -> (diameter: Double, total: Double, size: Int) {
        let count = walk(from: root, without: without)
        var index = count - 1
        while index >= 0 {
            let node = order[index]
            index -= 1
            size[node] = 1; down[node] = 0; downSecond[node] = 0; downChild[node] = -1; sumDown[node] = 0
            for k in 0..<degree[node] {
                let child = neighbours[node * slots + k]
                if child == parent[node] { continue }
                let w = weights[node * n + child]
                size[node] += size[child]
                sumDown[node] += sumDown[child] + w * Double(size[child])
                let branch = down[child] + w
                if branch > down[node] {
                    downSecond[node] = down[node]; down[node] = branch; downChild[node] = child
                } else if branch > downSecond[node] {
                    downSecond[node] = branch
                }
            }
        }
        // `ecc` first holds the longest path leaving upwards, then the result.
        var diameter = 0.0, pairSum = 0.0
        ecc[root] = 0
        sum[root] = sumDown[root]
        free.removeAll(keepingCapacity: true)
        for position in 0..<count {
            let node = order[position]
            let upward = ecc[node]
            for k in 0..<degree[node] {
                let child = neighbours[node * slots + k]
                if child == parent[node] { continue }
                let w = weights[node * n + child]
                let sibling = downChild[node] == child ? downSecond[node] : down[node]
                ecc[child] = max(upward, sibling) + w
                sum[child] = sum[node] + w * Double(count - 2 * size[child])
            }
            let e = max(upward, down[node])
            ecc[node] = e
            if e > diameter { diameter = e }
            pairSum += sum[node]
            if degree[node] - (node == root ? 1 : 0) < cap { free.append(node) }
        }
        free.sort()
        return (diameter, pairSum / 2, count)
    }
}
