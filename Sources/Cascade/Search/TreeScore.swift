/// How a candidate tree is ranked: first its weighted diameter (the worst
/// bridge-to-bridge path, the figure the `tree` strategy minimises), then the
/// sum of all pairwise path latencies, so that among trees with the same
/// worst path the one that is better on average wins.
struct TreeScore: Comparable {
    var diameter: Double
    var total: Double

    static func < (lhs: TreeScore, rhs: TreeScore) -> Bool {
        (lhs.diameter, lhs.total) < (rhs.diameter, rhs.total)
    }

    /// A strict improvement beyond floating-point noise. Moves are scored by
    /// formulas whose sums run in another order than `TreeState.evaluate`,
    /// so the same tree can come out a few ulps apart; without the tolerance
    /// the local search could "improve" forever between equal trees.
    func improves(on other: TreeScore) -> Bool {
        let tolerance = 1e-9 * max(1, abs(other.diameter))
        if diameter < other.diameter - tolerance { return true }
        if diameter > other.diameter + tolerance { return false }
        return total < other.total - 1e-9 * max(1, abs(other.total))
    }
}
