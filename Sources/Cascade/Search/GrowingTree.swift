/// A tree being built one bridge at a time by `CappedStar` and
/// `CentreGrowth`, with its path latencies, eccentricities and total kept
/// current (O(size) per attachment), so that a finished candidate's score
/// costs nothing extra. One instance is reset and reused for every candidate.
///
/// Raw buffers for the same reason as `TreeState`. Concurrency: confined to
/// the call of `TreeSearch.best` that creates it.
final class GrowingTree {
    let n: Int
    let cap: Int
    let weights: UnsafeMutablePointer<Double>
    let dist: UnsafeMutablePointer<Double>
    /// Longest path from each member to another member.
    let ecc: UnsafeMutablePointer<Double>
    let degree: UnsafeMutablePointer<Int>
    let inTree: UnsafeMutablePointer<Bool>
    /// Members in the order they joined.
    let members: UnsafeMutablePointer<Int>
    /// Scratch of `CentreGrowth`: per outside bridge, a lower bound of its
    /// best attachment and whether the bound is exact.
    let bound: UnsafeMutablePointer<Double>
    let exact: UnsafeMutablePointer<Bool>
    private(set) var count = 0
    private(set) var total = 0.0
    private(set) var edges: [(Int, Int)] = []

    init(n: Int, cap: Int, weights: [Double]) {
        self.n = n
        self.cap = cap
        self.weights = .allocate(capacity: max(1, n * n))
        self.dist = .allocate(capacity: max(1, n * n))
        self.ecc = .allocate(capacity: max(1, n))
        self.degree = .allocate(capacity: max(1, n))
        self.inTree = .allocate(capacity: max(1, n))
        self.members = .allocate(capacity: max(1, n))
        self.bound = .allocate(capacity: max(1, n))
        self.exact = .allocate(capacity: max(1, n))
        for i in 0..<(n * n) { self.weights[i] = weights[i] }
    }

    deinit {
        weights.deallocate(); dist.deallocate(); ecc.deallocate()
        degree.deallocate(); inTree.deallocate(); members.deallocate()
        bound.deallocate(); exact.deallocate()
    }

    func reset(root: Int) {
        for i in 0..<n { inTree[i] = false; degree[i] = 0; ecc[i] = 0 }
        inTree[root] = true
        dist[root * n + root] = 0
        members[0] = root
        count = 1
        total = 0
        edges.removeAll(keepingCapacity: true)
    }

    /// Links the outside bridge `v` to the member `u`.
    func attach(_ v: Int, to u: Int) {
        let w = weights[u * n + v]
        let eccU = ecc[u]   // before this step: every path from v runs through u
        for k in 0..<count {
            let x = members[k]
            let d = dist[x * n + u] + w
            dist[x * n + v] = d
            dist[v * n + x] = d
            total += d
            if d > ecc[x] { ecc[x] = d }
        }
        dist[v * n + v] = 0
        ecc[v] = eccU + w
        inTree[v] = true
        degree[u] += 1
        degree[v] += 1
        members[count] = v
        count += 1
        edges.append((u, v))
    }

    var score: TreeScore {
        var diameter = 0.0
        for k in 0..<count where ecc[members[k]] > diameter { diameter = ecc[members[k]] }
        return TreeScore(diameter: diameter, total: total)
    }
}

@available(*, unavailable)
extension GrowingTree: Sendable {}
