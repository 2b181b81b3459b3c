import Topology

/// One link of a conference's cascade.
public struct CascadeEdge: Sendable, Hashable {
    /// The ends, `a < b` by id.
    public let a: String
    public let b: String
    public let rttMs: Double
    public let source: LatencySource

    public init(_ x: String, _ y: String, rttMs: Double, source: LatencySource) {
        if x <= y { a = x; b = y } else { a = y; b = x }
        self.rttMs = rttMs
        self.source = source
    }
}

/// A bridge whose participants a `single` plan moves to the host.
public struct Relocation: Sendable, Equatable {
    public let bridge: String
    public let rttToHostMs: Double

    public init(bridge: String, rttToHostMs: Double) {
        self.bridge = bridge
        self.rttToHostMs = rttToHostMs
    }
}

/// The worst pair of a plan: the round trip between participants of `from`
/// and of `to` (bridge to bridge, access legs excluded).
public struct WorstPath: Sendable, Equatable {
    public let from: String
    public let to: String
    public let ms: Double
    public let hops: Int

    public init(from: String, to: String, ms: Double, hops: Int) {
        self.from = from
        self.to = to
        self.ms = ms
        self.hops = hops
    }
}

/// The links one conference's media travels on, and what a stream pays
/// between any two of its bridges.
///
/// - `tree`: a spanning tree; a path is the tree path, its latency the sum of
///   the links' RTTs (a round trip along the path; one way is about half).
/// - `mesh`: every pair linked; a path is the direct link.
/// - `single`: one bridge, no links; `relocations` lists the bridges whose
///   participants move to `root`, and `worstPath` is the worst round trip
///   between two relocated participants through the host.
///
/// All queries answer from tables built once at construction (n ≤ a few
/// dozen bridges, so `n²` entries). Value type, `Sendable`.
public struct CascadeTree: Sendable, Equatable {
    public let strategy: CascadeStrategy
    /// Bridges that carry the conference, sorted by id.
    public let bridges: [String]
    /// Sorted by `(a, b)`.
    public let edges: [CascadeEdge]
    /// The tree's centre (the bridge with the smallest worst path to the
    /// others, ties by id); for `single`, the host.
    public let root: String
    public let relocations: [Relocation]
    /// `nil` when there is only one bridge and nobody was relocated.
    public let worstPath: WorstPath?

    private let index: [String: Int]
    private let neighbourIndices: [[Int]]
    /// Row-major path latency and hop count; `nextHop[i*n+j]` is the
    /// neighbour of `i` on the way to `j` (`i` itself when `i == j`).
    private let latency: [Double]
    private let hopCount: [Int]
    private let nextHop: [Int]

    /// Builds the tables from a set of edges that must form a tree (or, for
    /// `mesh`, the complete graph) over `table`'s bridges given by `members`.
    init(strategy: CascadeStrategy, table: LatencyTable, members: [Int], edges: [(Int, Int)],
         relocations: [Relocation] = [], singleWorst: WorstPath? = nil) {
        let n = members.count
        var local = [Int](repeating: -1, count: table.count)
        for (k, member) in members.enumerated() { local[member] = k }
        var adjacency = [[Int]](repeating: [], count: n)
        for (x, y) in edges {
            adjacency[local[x]].append(local[y])
            adjacency[local[y]].append(local[x])
        }
        for k in 0..<n { adjacency[k].sort() }
        let weight = { (i: Int, j: Int) in table[members[i], members[j]] }

        var latency = [Double](repeating: 0, count: n * n)
        var hopCount = [Int](repeating: 0, count: n * n)
        var nextHop = [Int](repeating: 0, count: n * n)
        if strategy == .mesh {
            for i in 0..<n { for j in 0..<n {
                latency[i * n + j] = weight(i, j)
                hopCount[i * n + j] = i == j ? 0 : 1
                nextHop[i * n + j] = j
            } }
        } else {
            // From every target j, walk the tree once: each node reached from
            // `parent` goes to j through `parent`.
            for j in 0..<n {
                nextHop[j * n + j] = j
                var stack = [(node: j, parent: j)]
                while let (node, parent) = stack.popLast() {
                    for next in adjacency[node] where next != parent {
                        latency[next * n + j] = latency[node * n + j] + weight(node, next)
                        hopCount[next * n + j] = hopCount[node * n + j] + 1
                        nextHop[next * n + j] = node
                        stack.append((next, node))
                    }
                }
            }
        }

        self.strategy = strategy
        self.bridges = members.map { table.ids[$0] }
        self.edges = edges.map { CascadeEdge(table.ids[$0.0], table.ids[$0.1],
                                             rttMs: table[$0.0, $0.1], source: table.source($0.0, $0.1)) }
            .sorted { ($0.a, $0.b) < ($1.a, $1.b) }
        self.index = Dictionary(uniqueKeysWithValues: bridges.enumerated().map { ($1, $0) })
        self.neighbourIndices = adjacency
        self.latency = latency
        self.hopCount = hopCount
        self.nextHop = nextHop
        self.relocations = relocations

        var eccentricity = [Double](repeating: 0, count: n)
        var worst: WorstPath?
        for i in 0..<n { for j in (i + 1)..<n {
            let ms = latency[i * n + j]
            eccentricity[i] = max(eccentricity[i], ms)
            eccentricity[j] = max(eccentricity[j], ms)
            if ms > (worst?.ms ?? -1) {
                worst = WorstPath(from: bridges[i], to: bridges[j], ms: ms, hops: hopCount[i * n + j])
            }
        } }
        let centre = (0..<n).min { (eccentricity[$0], $0) < (eccentricity[$1], $1) } ?? 0
        self.root = n > 0 ? bridges[centre] : ""
        self.worstPath = singleWorst ?? worst
    }

    public func contains(_ bridge: String) -> Bool { index[bridge] != nil }

    /// The bridges linked to `bridge`, sorted; empty for an unknown id.
    public func neighbours(of bridge: String) -> [String] {
        guard let i = index[bridge] else { return [] }
        return neighbourIndices[i].map { bridges[$0] }
    }

    public func degree(of bridge: String) -> Int { neighbours(of: bridge).count }

    /// Sum of the links' RTTs on the path from `a` to `b`.
    public func pathLatency(_ a: String, _ b: String) -> Double? {
        guard let i = index[a], let j = index[b] else { return nil }
        return latency[i * bridges.count + j]
    }

    /// Links on the path from `a` to `b`.
    public func hops(_ a: String, _ b: String) -> Int? {
        guard let i = index[a], let j = index[b] else { return nil }
        return hopCount[i * bridges.count + j]
    }

    /// The bridges from `a` to `b`, both included.
    public func path(_ a: String, _ b: String) -> [String]? {
        guard var i = index[a], let j = index[b] else { return nil }
        var result = [bridges[i]]
        while i != j {
            i = nextHop[i * bridges.count + j]
            result.append(bridges[i])
        }
        return result
    }

    /// The most links between any two bridges of the plan (the Relay's
    /// frame hop limit, `CascadeFrame.maximumHops`, is fixed above any plan's).
    public var maxHops: Int { hopCount.max() ?? 0 }

    /// The RTT of the link `a~b`, if the plan has that link.
    public func linkRTT(_ a: String, _ b: String) -> Double? {
        let pair = BridgePair(a, b)
        return edges.first { $0.a == pair.first && $0.b == pair.second }?.rttMs
    }
}
