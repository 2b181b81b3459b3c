import Cascade

/// Checks written independently of the planner's own bookkeeping, so a test
/// that uses them does not grade the planner with its own code. They work on
/// indices into `table.ids` (plain arrays: debug builds are slow with
/// dictionaries in inner loops).
enum TreeChecks {
    /// `true` when `edges` form a spanning tree of `ids`: n − 1 edges, every
    /// edge between known bridges, all bridges connected (hence no cycle).
    static func isSpanningTree(_ edges: [(String, String)], over ids: [String]) -> Bool {
        guard edges.count == ids.count - 1 else { return false }
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var links: [(Int, Int)] = []
        for (a, b) in edges {
            guard let i = index[a], let j = index[b] else { return false }
            links.append((i, j))
        }
        return isSpanningTree(links, count: ids.count)
    }

    static func isSpanningTree(_ links: [(Int, Int)], count n: Int) -> Bool {
        guard links.count == n - 1 else { return false }
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { x = parent[x] }
            return x
        }
        for (a, b) in links {
            let (ra, rb) = (find(a), find(b))
            if ra == rb { return false }   // a cycle
            parent[ra] = rb
        }
        return true
    }

    static func degrees(_ edges: [(String, String)]) -> [String: Int] {
        var degree: [String: Int] = [:]
        for (a, b) in edges { degree[a, default: 0] += 1; degree[b, default: 0] += 1 }
        return degree
    }

    /// Row-major RTTs of the table, by index.
    static func matrix(_ table: LatencyTable) -> [Double] {
        table.ids.flatMap { a in table.ids.map { b in table.rtt(a, b)?.ms ?? .infinity } }
    }

    /// Worst path latency of a tree by a walk from every bridge.
    static func diameter(_ edges: [(String, String)], table: LatencyTable) -> Double {
        let index = Dictionary(uniqueKeysWithValues: table.ids.enumerated().map { ($1, $0) })
        return diameter(edges.map { (index[$0.0] ?? 0, index[$0.1] ?? 0) }, weights: matrix(table), count: table.count)
    }

    static func diameter(_ links: [(Int, Int)], weights w: [Double], count n: Int) -> Double {
        var adjacency = [[Int]](repeating: [], count: n)
        for (a, b) in links { adjacency[a].append(b); adjacency[b].append(a) }
        var worst = 0.0
        for source in 0..<n {
            var stack = [(source, -1, 0.0)]
            while let (node, parent, d) = stack.popLast() {
                worst = max(worst, d)
                for next in adjacency[node] where next != parent { stack.append((next, node, d + w[node * n + next])) }
            }
        }
        return worst
    }

    /// The best plain star: for each hub, the sum of its two largest RTTs.
    static func bestStarDiameter(_ table: LatencyTable) -> Double {
        let n = table.count, w = matrix(table)
        var best = Double.infinity
        for hub in 0..<n {
            let spokes: [Double] = (0..<n).filter { $0 != hub }.map { w[hub * n + $0] }.sorted(by: >)
            best = min(best, spokes.prefix(2).reduce(0, +))
        }
        return best
    }

    /// The best capped "star of stars" by the rule the planner documents:
    /// the hub's `cap` nearest bridges attach to it, each further bridge (in
    /// order of RTT to the hub, ties by id) to the placed bridge with a free
    /// link that keeps it closest to the hub (ties by id).
    static func bestCappedStarDiameter(_ table: LatencyTable, cap: Int) -> Double {
        let n = table.count, w = matrix(table)
        return (0..<n).map { hub -> Double in
            let order = (0..<n).filter { $0 != hub }.sorted { (w[hub * n + $0], $0) < (w[hub * n + $1], $1) }
            var depth = [Double](repeating: 0, count: n), degree = [Int](repeating: 0, count: n)
            var placed = [hub]
            var links: [(Int, Int)] = []
            for v in order {
                var parent = hub
                if degree[hub] >= cap {
                    parent = placed.filter { degree[$0] < cap }
                        .min { (depth[$0] + w[$0 * n + v], $0) < (depth[$1] + w[$1 * n + v], $1) } ?? hub
                }
                depth[v] = depth[parent] + w[parent * n + v]
                degree[parent] += 1
                degree[v] = 1
                placed.append(v)
                links.append((parent, v))
            }
            return diameter(links, weights: w, count: n)
        }.min() ?? 0
    }

    /// The optimum by brute force over every (n − 1)-subset of the links:
    /// independent of the planner's Prüfer enumeration. Small n only.
    static func optimalDiameter(_ table: LatencyTable, cap: Int) -> Double {
        let n = table.count, w = matrix(table)
        var links: [(Int, Int)] = []
        for a in 0..<n { for b in (a + 1)..<n { links.append((a, b)) } }
        var best = Double.infinity
        var chosen: [(Int, Int)] = []
        var degree = [Int](repeating: 0, count: n)
        func choose(from start: Int) {
            if chosen.count == n - 1 {
                if isSpanningTree(chosen, count: n) { best = min(best, diameter(chosen, weights: w, count: n)) }
                return
            }
            guard links.count - start >= n - 1 - chosen.count else { return }
            for k in start..<links.count {
                let (a, b) = links[k]
                guard degree[a] < cap, degree[b] < cap else { continue }
                chosen.append(links[k]); degree[a] += 1; degree[b] += 1
                choose(from: k + 1)
                chosen.removeLast(); degree[a] -= 1; degree[b] -= 1
            }
        }
        choose(from: 0)
        return best
    }
}

extension CascadeTree {
    var edgePairs: [(String, String)] { edges.map { ($0.a, $0.b) } }
}
