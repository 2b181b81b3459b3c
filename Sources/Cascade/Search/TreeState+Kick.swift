extension TreeState {
    /// The perturbation of the iterated local search: `moves` times, cut a
    /// link chosen at random and reconnect the two parts through a random
    /// pair of bridges with a free link. Big enough to leave a local optimum
    /// (three moves did best on random and geographic tables), small enough
    /// that the descent after it keeps most of the structure.
    func kick(moves: Int, using generator: inout SplitMix64) {
        var freeA: [Int] = [], freeB: [Int] = []
        for _ in 0..<moves {
            let links = edges
            guard !links.isEmpty else { return }
            let (p, q) = links[generator.below(links.count)]
            _ = sideTables(root: p, without: q, free: &freeA)
            _ = sideTables(root: q, without: p, free: &freeB)
            guard !freeA.isEmpty, !freeB.isEmpty else { continue }
            let u = freeA[generator.below(freeA.count)]
            let v = freeB[generator.below(freeB.count)]
            unlink(p, q)
            link(u, v)
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the search's own seeded generator,
/// so a plan depends on nothing but its input.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (bound > 0); the modulo bias is negligible for
    /// bounds this small.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
