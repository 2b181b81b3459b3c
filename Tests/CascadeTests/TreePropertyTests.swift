import Cascade
import Testing
import Topology

/// For random conferences the `tree` strategy always returns a spanning tree
/// within the fan-out cap whose worst path is no worse than the best
/// single-hub reference.
///
/// The reference: with `cap ≥ n − 1`, the plain star through the best hub
/// (what the issue asks for). Below that no star is allowed, so the
/// reference is the best capped "star of stars" (`TreeChecks`), the
/// degree-capped generalisation of a star that the planner documents and also
/// considers; when the cap allows a plain star both are the same tree.
@Suite struct TreePropertyTests {
    static let cases = 240

    @Test func randomConferencesGetSpanningTreesWithinCapNoWorseThanTheStar() throws {
        var rng = SeededGenerator(seed: 20_251_122)
        var beatStar = 0, comparedWithStar = 0
        for k in 0..<Self.cases {
            let seed = rng.next()
            var local = SeededGenerator(seed: seed)
            let n = Int.random(in: 2...30, using: &local)
            let cap = Int.random(in: 2...6, using: &local)
            let table = k.isMultiple(of: 2)
                ? try RandomConference.uniform(n, using: &local)
                : try RandomConference.geographic(n, using: &local)
            let plan = try CascadePlanner(strategy: .tree, maxFanout: cap).plan(table)
            let edges = plan.edgePairs
            let label = "case \(k) seed \(seed) n \(n) cap \(cap)"

            #expect(edges.count == n - 1, "\(label)")
            #expect(TreeChecks.isSpanningTree(edges, over: table.ids), "\(label)")
            #expect(TreeChecks.degrees(edges).values.allSatisfy { $0 <= cap }, "\(label)")
            let diameter = TreeChecks.diameter(edges, table: table)
            #expect(abs((plan.worstPath?.ms ?? 0) - diameter) < 1e-6, "\(label)")

            let reference = TreeChecks.bestCappedStarDiameter(table, cap: cap)
            #expect(diameter <= reference + 1e-9, "\(label): tree \(diameter) > capped star \(reference)")
            if cap >= n - 1 {
                let star = TreeChecks.bestStarDiameter(table)
                #expect(abs(star - reference) < 1e-9, "\(label): the capped star is the plain star")
                #expect(diameter <= star + 1e-9, "\(label): tree \(diameter) > star \(star)")
                comparedWithStar += 1
                if diameter < star - 1e-9 { beatStar += 1 }
            }
        }
        // The generator must exercise both regimes.
        #expect(comparedWithStar >= 20)
        #expect(beatStar >= 1)
    }
}
