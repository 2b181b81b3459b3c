/// The optimum for small conferences: every labelled tree on `n` bridges,
/// enumerated as Prüfer sequences (`n^(n−2)` of them: 1,296 for 6 bridges),
/// filtered by the fan-out cap, ranked by `TreeScore`.
///
/// A bridge's degree is one more than the times it occurs in the sequence, so
/// the cap is checked before a sequence is decoded. Sequences are visited in
/// lexicographic order and only a strictly better score replaces the best,
/// which makes the result deterministic.
enum ExhaustiveSearch {
    /// Above this the search is no longer cheap (7 bridges: 16,807 trees).
    static let maximumBridges = 6

    static func best(n: Int, weights: [Double], cap: Int) -> [(Int, Int)]? {
        guard n >= 2, n <= maximumBridges else { return nil }
        if n == 2 { return [(0, 1)] }
        let tree = TreeState(n: n, cap: cap, weights: weights, edges: [])
        var sequence = [Int](repeating: 0, count: n - 2)
        var best: (score: TreeScore, edges: [(Int, Int)])?
        while true {
            var degree = [Int](repeating: 1, count: n)
            for x in sequence { degree[x] += 1 }
            if degree.allSatisfy({ $0 <= cap }) {
                let edges = decode(sequence, degree: degree)
                tree.reset(edges: edges)
                let score = tree.evaluate().score
                if best.map({ score < $0.score }) ?? true { best = (score, edges) }
            }
            // Next sequence in lexicographic order.
            var k = sequence.count - 1
            while k >= 0, sequence[k] == n - 1 { sequence[k] = 0; k -= 1 }
            if k < 0 { break }
            sequence[k] += 1
        }
        return best?.edges
    }

    /// Standard Prüfer decoding: repeatedly join the smallest leaf to the
    /// next element of the sequence.
    static func decode(_ sequence: [Int], degree: [Int]) -> [(Int, Int)] {
        var degree = degree
        let n = degree.count
        var edges: [(Int, Int)] = []
        for x in sequence {
            guard let leaf = (0..<n).first(where: { degree[$0] == 1 }) else { break }
            edges.append((leaf, x))
            degree[leaf] -= 1
            degree[x] -= 1
        }
        let last = (0..<n).filter { degree[$0] == 1 }
        if last.count == 2 { edges.append((last[0], last[1])) }
        return edges
    }
}
