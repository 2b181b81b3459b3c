import Cascade
import Testing
import Topology

/// The same conference must get the same tree however it is asked for: the
/// controller recomputes on every change and bridges rewire on differences.
@Suite struct DeterminismTests {
    @Test func samePlanTwiceIsIdentical() throws {
        let (topology, table) = try Fixtures.earth()
        let planner = CascadePlanner(settings: topology.cascade)
        #expect(try planner.plan(table) == planner.plan(table))
    }

    @Test func shuffledBridgeOrderGivesTheSameTree() throws {
        let topology = try Fixtures.topology("earth")
        let latencies = BridgeLatencies(topology: topology)
        let planner = CascadePlanner(settings: topology.cascade)
        let reference = try planner.plan(bridges: topology.bridges.map(\.id), latencies: latencies)
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<10 {
            let shuffled = topology.bridges.map(\.id).shuffled(using: &rng)
            #expect(try planner.plan(bridges: shuffled, latencies: latencies) == reference)
        }
    }

    @Test func equalLatenciesAreBrokenByBridgeId() throws {
        // Every RTT equal: any star is optimal; the tie must go to the lowest ids.
        let ids = ["e", "c", "a", "d", "b", "g", "f"]
        let table = try LatencyTable(bridges: ids) { _, _ in BridgeRTT(ms: 10, source: .live) }
        let first = try CascadePlanner(strategy: .tree, maxFanout: 6).plan(table)
        let again = try CascadePlanner(strategy: .tree, maxFanout: 6)
            .plan(LatencyTable(bridges: ids.reversed()) { _, _ in BridgeRTT(ms: 10, source: .live) })
        #expect(first == again)
        #expect(first.worstPath?.ms == 20)
        #expect(first.root == "a")
        #expect(first.neighbours(of: "a") == ["b", "c", "d", "e", "f", "g"])
    }

    @Test func randomTablesPlanIdenticallyFromShuffledInput() throws {
        var rng = SeededGenerator(seed: 0xDE7E)
        for _ in 0..<20 {
            let n = Int.random(in: 7...20, using: &rng)
            let table = try RandomConference.uniform(n, using: &rng)
            let reordered = try LatencyTable(bridges: table.ids.shuffled(using: &rng)) { table.rtt($0, $1) }
            let cap = Int.random(in: 2...5, using: &rng)
            let planner = CascadePlanner(strategy: .tree, maxFanout: cap)
            #expect(try planner.plan(table) == planner.plan(reordered))
        }
    }
}
