/// A spanning tree under edit: the working object of the local search
/// (`TreeState+Descent`, `TreeState+Swap`) and of the perturbations
/// (`TreeState+Kick`).
///
/// Only the adjacency is stored; every figure is recomputed by a walk of the
/// tree in O(n) (`evaluate`, `sideTables`), which keeps each move O(1) to
/// apply and the whole search free of n² bookkeeping. Storage is raw buffers
/// owned by the instance, because a debug build pays for every `Array`
/// access and the planner must stay fast even there. No index comes from a
/// peer: indices are positions in a `LatencyTable`.
///
/// Concurrency: confined to the call of `TreeSearch.best` that creates it.
final class TreeState {
    let n: Int
    let cap: Int
    /// Links a bridge can have in any tree over `n` bridges: `min(cap, n − 1)`.
    let slots: Int
    let weights: UnsafeMutablePointer<Double>
    /// `neighbours[i * slots + k]` for `k < degree[i]`.
    let neighbours: UnsafeMutablePointer<Int>
    let degree: UnsafeMutablePointer<Int>
    // Scratch of the walks, `n` each.
    let order: UnsafeMutablePointer<Int>
    let parent: UnsafeMutablePointer<Int>
    let size: UnsafeMutablePointer<Int>
    let down: UnsafeMutablePointer<Double>
    let downSecond: UnsafeMutablePointer<Double>
    let downChild: UnsafeMutablePointer<Int>
    let downEnd: UnsafeMutablePointer<Int>
    let sumDown: UnsafeMutablePointer<Double>
    let ecc: UnsafeMutablePointer<Double>
    let sum: UnsafeMutablePointer<Double>
    let side: UnsafeMutablePointer<Int>
    /// Elementary steps done so far (bridges visited, pairs scored): what the
    /// search budgets instead of time, so that results never depend on the
    /// machine's speed.
    var work = 0

    init(n: Int, cap: Int, weights: [Double], edges: [(Int, Int)]) {
        self.n = n
        self.cap = cap
        self.slots = max(1, min(cap, n - 1))
        let m = max(1, n)
        self.weights = .allocate(capacity: m * m)
        self.neighbours = .allocate(capacity: m * slots)
        self.degree = .allocate(capacity: m)
        self.order = .allocate(capacity: m)
        self.parent = .allocate(capacity: m)
        self.size = .allocate(capacity: m)
        self.down = .allocate(capacity: m)
        self.downSecond = .allocate(capacity: m)
        self.downChild = .allocate(capacity: m)
        self.downEnd = .allocate(capacity: m)
        self.sumDown = .allocate(capacity: m)
        self.ecc = .allocate(capacity: m)
        self.sum = .allocate(capacity: m)
        self.side = .allocate(capacity: m)
        for i in 0..<(n * n) { self.weights[i] = weights[i] }
        reset(edges: edges)
    }

    deinit {
        weights.deallocate(); neighbours.deallocate(); degree.deallocate()
        order.deallocate(); parent.deallocate(); size.deallocate(); down.deallocate()
        downSecond.deallocate(); downChild.deallocate(); downEnd.deallocate(); sumDown.deallocate()
        ecc.deallocate(); sum.deallocate(); side.deallocate()
    }

    /// Replaces the whole tree.
    func reset(edges: [(Int, Int)]) {
        for i in 0..<n { degree[i] = 0 }
        for (a, b) in edges { link(a, b) }
    }

    /// Makes this tree a copy of `other` (same `n` and `cap`).
    func copy(from other: TreeState) {
        neighbours.update(from: other.neighbours, count: n * slots)
        degree.update(from: other.degree, count: n)
    }

    func link(_ a: Int, _ b: Int) {
        neighbours[a * slots + degree[a]] = b; degree[a] += 1
        neighbours[b * slots + degree[b]] = a; degree[b] += 1
    }

    /// Removes `a–b`, keeping the other links of each end in their order.
    func unlink(_ a: Int, _ b: Int) {
        // Two calls, not a loop over [(a, b), (b, a)]: that array would be
        // allocated on every candidate move of the search.
        remove(b, fromNeighboursOf: a)
        remove(a, fromNeighboursOf: b)
    }

    private func remove(_ y: Int, fromNeighboursOf x: Int) {
        let row = x * slots
        var k = 0
        while k < degree[x], neighbours[row + k] != y { k += 1 }
        guard k < degree[x] else { return }
        while k + 1 < degree[x] { neighbours[row + k] = neighbours[row + k + 1]; k += 1 }
        degree[x] -= 1
    }

    /// Visits the part reachable from `root` without the link to `without`
    /// (`-1`: the whole tree) breadth-first into `order` and `parent`;
    /// returns how many bridges it holds. O(size). The adjacency is a tree
    /// by construction; the count check only keeps a broken invariant from
    /// writing past the buffers.
    @discardableResult
    func walk(from root: Int, without: Int) -> Int {
        parent[root] = without
        order[0] = root
        var count = 1, head = 0
        while head < count {
            let node = order[head]
            head += 1
            for k in 0..<degree[node] {
                let next = neighbours[node * slots + k]
                if next == parent[node] || count == n { continue }
                parent[next] = node
                order[count] = next
                count += 1
            }
        }
        work += count
        return count
    }

    /// The diameter (and a pair at its ends) and the sum of all pairwise path
    /// latencies, by one walk: the longest path through each bridge joins its
    /// two longest branches; each link is crossed by `size · (n − size)`
    /// pairs. O(n).
    func evaluate() -> (score: TreeScore, worst: (Int, Int)) {
        guard n > 1 else { return (TreeScore(diameter: 0, total: 0), (0, 0)) }
        let count = walk(from: 0, without: -1)
        var diameter = 0.0, total = 0.0, worst = (0, 0)
        var index = count - 1
        while index >= 0 {
            let node = order[index]
            index -= 1
            var longest = 0.0, end = node
            size[node] = 1
            for k in 0..<degree[node] {
                let child = neighbours[node * slots + k]
                if child == parent[node] { continue }
                let w = weights[node * n + child]
                size[node] += size[child]
                total += w * Double(size[child] * (n - size[child]))
                let branch = down[child] + w
                if longest + branch > diameter {
                    diameter = longest + branch
                    worst = (min(end, downEnd[child]), max(end, downEnd[child]))
                }
                if branch > longest { longest = branch; end = downEnd[child] }
            }
            down[node] = longest
            downEnd[node] = end
        }
        return (TreeScore(diameter: diameter, total: total), worst)
    }

    /// Links as `(low, high)` pairs, sorted.
    var edges: [(Int, Int)] {
        var result: [(Int, Int)] = []
        for a in 0..<n {
            for k in 0..<degree[a] where neighbours[a * slots + k] > a { result.append((a, neighbours[a * slots + k])) }
        }
        return result.sorted { $0 < $1 }
    }

    /// The bridges from `a` to `b` along the tree.
    func path(_ a: Int, _ b: Int) -> [Int] {
        walk(from: b, without: -1)
        var result = [a]
        var node = a
        while node != b { node = parent[node]; result.append(node) }
        return result
    }
}

@available(*, unavailable)
extension TreeState: Sendable {}
