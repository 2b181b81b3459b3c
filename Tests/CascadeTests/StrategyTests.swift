import Cascade
import Testing
import Topology

/// `mesh` and `single`, on earth and on small hand-made tables.
@Suite struct StrategyTests {
    @Test func meshLinksEveryPairAndPathsAreDirect() throws {
        let (_, table) = try Fixtures.earth()
        let mesh = try CascadePlanner(strategy: .mesh, maxFanout: 4).plan(table)
        #expect(mesh.edges.count == 12 * 11 / 2)
        for a in table.ids {
            #expect(mesh.degree(of: a) == 11)
            for b in table.ids where a != b {
                #expect(mesh.pathLatency(a, b) == table.rtt(a, b)?.ms)
                #expect(mesh.hops(a, b) == 1)
            }
        }
        #expect(mesh.maxHops == 1)
    }

    @Test func meshWorstPathIsTheLongestDirectRTT() throws {
        let (_, table) = try Fixtures.earth()
        let mesh = try CascadePlanner(strategy: .mesh, maxFanout: 4).plan(table)
        let longest = table.ids.flatMap { a in table.ids.map { b in table.rtt(a, b)?.ms ?? 0 } }.max()
        #expect(mesh.worstPath?.ms == longest)
    }

    @Test func singleHostsEverythingOnTheBridgeWithTheBestWorstRoundTrip() throws {
        // x is central (10 ms to each), the others are 100 ms apart.
        let rtt: [BridgePair: Double] = [
            BridgePair("x", "a"): 10, BridgePair("x", "b"): 10, BridgePair("x", "c"): 12,
            BridgePair("a", "b"): 100, BridgePair("a", "c"): 100, BridgePair("b", "c"): 100,
        ]
        let table = try LatencyTable(bridges: ["a", "b", "c", "x"]) { rtt[BridgePair($0, $1)].map { BridgeRTT(ms: $0, source: .declared) } }
        let single = try CascadePlanner(strategy: .single, maxFanout: 4).plan(table)
        #expect(single.root == "x")
        #expect(single.bridges == ["x"])
        #expect(single.edges.isEmpty)
        #expect(single.relocations.map(\.bridge) == ["a", "b", "c"])
        #expect(single.relocations.map(\.rttToHostMs) == [10, 10, 12])
        #expect(single.worstPath == WorstPath(from: "a", to: "c", ms: 22, hops: 2))
        #expect(LongHaulAccounting.count(single, participants: ["a", "b", "c", "x"]).totalCopies == 0)
    }

    @Test func singleOnEarthPicksAHostAndRelocatesTheOthers() throws {
        let (_, table) = try Fixtures.earth()
        let single = try CascadePlanner(strategy: .single, maxFanout: 4).plan(table)
        #expect(single.relocations.count == 11)
        let worst = try #require(single.worstPath?.ms)
        // Its worst round trip is the best star's: every participant reaches the host directly.
        #expect(worst == TreeChecks.bestStarDiameter(table))
    }

    @Test func oneBridgeNeedsNoLinksUnderAnyStrategy() throws {
        let table = try LatencyTable(bridges: ["solo"]) { _, _ in nil }
        for strategy in CascadeStrategy.allCases {
            let plan = try CascadePlanner(strategy: strategy, maxFanout: 2).plan(table)
            #expect(plan.edges.isEmpty)
            #expect(plan.root == "solo")
            #expect(plan.worstPath == nil)
        }
    }

    @Test func emptyConferenceAndTooSmallFanoutAreErrors() throws {
        let empty = try LatencyTable(bridges: [String]()) { _, _ in nil }
        #expect(throws: CascadeError.noBridges) { try CascadePlanner(strategy: .tree, maxFanout: 4).plan(empty) }
        let three = try LatencyTable(bridges: ["a", "b", "c"]) { _, _ in BridgeRTT(ms: 5, source: .live) }
        #expect(throws: CascadeError.fanoutTooSmall(maxFanout: 1, bridges: 3)) {
            try CascadePlanner(strategy: .tree, maxFanout: 1).plan(three)
        }
        let chain = try CascadePlanner(strategy: .tree, maxFanout: 2).plan(three)
        #expect(chain.edges.count == 2)
    }

    @Test func capOfTwoOnEarthGivesAChain() throws {
        let (_, table) = try Fixtures.earth()
        let chain = try CascadePlanner(strategy: .tree, maxFanout: 2).plan(table)
        #expect(TreeChecks.isSpanningTree(chain.edgePairs, over: table.ids))
        #expect(TreeChecks.degrees(chain.edgePairs).values.max() == 2)
        #expect(chain.maxHops == 11)
    }
}
