import Cascade
import Testing
import Topology

/// Live RTTs first, then declared `latency-ms`, then the coordinate estimate.
@Suite struct BridgeLatenciesTests {
    @Test func declaredLatencyIsUsedBetweenRegionsThatHaveOne() throws {
        let latencies = BridgeLatencies(topology: try Fixtures.topology("earth"))
        #expect(latencies.rtt("fra-1", "iad-2") == BridgeRTT(ms: 88, source: .declared))
        #expect(latencies.rtt("iad-2", "fra-1") == BridgeRTT(ms: 88, source: .declared))
    }

    @Test func undeclaredPairsAreEstimatedAndSameRegionIsOneMillisecond() throws {
        let topology = try Fixtures.topology("earth")
        let latencies = BridgeLatencies(topology: topology)
        let estimate = LatencyMatrix.estimatedRTT(from: try #require(topology.region(named: "sa-east")),
                                                  to: try #require(topology.region(named: "oc-southeast")))
        #expect(latencies.rtt("gru-1", "syd-1") == BridgeRTT(ms: estimate, source: .estimated))
        #expect(latencies.rtt("sin-1", "sin-2") == BridgeRTT(ms: 1, source: .estimated))
        #expect(latencies.rtt("sin-1", "sin-1")?.ms == 0)
    }

    @Test func liveRTTOverridesEitherOrderAndFallsBackWhenForgotten() throws {
        var latencies = BridgeLatencies(topology: try Fixtures.topology("earth"))
        let accepted = latencies.updateLive(70.5, "iad-1", "fra-1")
        #expect(accepted)
        #expect(latencies.rtt("fra-1", "iad-1") == BridgeRTT(ms: 70.5, source: .live))
        #expect(latencies.rtt("fra-1", "iad-2") == BridgeRTT(ms: 88, source: .declared))
        let forgotten = latencies.updateLive(nil, "fra-1", "iad-1")
        #expect(forgotten)
        #expect(latencies.rtt("iad-1", "fra-1") == BridgeRTT(ms: 88, source: .declared))
    }

    @Test func invalidLiveFiguresAreRejectedAndTheLastGoodOneKept() throws {
        var latencies = BridgeLatencies(topology: try Fixtures.topology("earth"),
                                        live: [BridgePair("fra-1", "dub-1"): 20])
        for bad in [Double.nan, -1, .infinity] {
            let accepted = latencies.updateLive(bad, "fra-1", "dub-1")
            #expect(!accepted, "\(bad)")
        }
        #expect(latencies.rtt("dub-1", "fra-1") == BridgeRTT(ms: 20, source: .live))
        let ignored = BridgeLatencies(topology: try Fixtures.topology("earth"),
                                      live: [BridgePair("fra-1", "dub-1"): -5])
        #expect(ignored.rtt("dub-1", "fra-1") == BridgeRTT(ms: 24, source: .declared))
    }

    @Test func unknownBridgesHaveNoRTTAndCannotBePlanned() throws {
        let latencies = BridgeLatencies(topology: try Fixtures.topology("earth"))
        #expect(latencies.rtt("fra-1", "mars-1") == nil)
        #expect(throws: CascadeError.unknownBridge("mars-1", known: latencies.knownBridges)) {
            try latencies.table(for: ["fra-1", "mars-1"])
        }
    }

    @Test func aSlowLiveLinkIsRoutedAround() throws {
        let topology = try Fixtures.topology("earth")
        var latencies = BridgeLatencies(topology: topology)
        let bridges = ["fra-1", "dub-1", "iad-1", "pdx-1", "nrt-1", "sin-1", "syd-1"]
        let planner = CascadePlanner(strategy: .tree, maxFanout: 3)
        let before = try planner.plan(bridges: bridges, latencies: latencies)
        let link = try #require(before.edges.first { $0.rttMs > 30 })
        latencies.updateLive(900, link.a, link.b)
        let after = try planner.plan(bridges: bridges, latencies: latencies)
        #expect(after.linkRTT(link.a, link.b) == nil)
        #expect(after.edges.allSatisfy { $0.source != .live })
    }

    @Test func tableIsSymmetricAndRejectsBadFigures() throws {
        #expect(throws: CascadeError.invalidLatency("a", "b", -3)) {
            try LatencyTable(bridges: ["a", "b"]) { _, _ in BridgeRTT(ms: -3, source: .live) }
        }
        #expect(throws: CascadeError.missingLatency("a", "b")) {
            try LatencyTable(bridges: ["b", "a"]) { _, _ in nil }
        }
        let table = try LatencyTable(bridges: ["b", "a", "a"]) { x, y in BridgeRTT(ms: x < y ? 7 : 99, source: .live) }
        #expect(table.ids == ["a", "b"])
        #expect(table.rtt("a", "b")?.ms == 7)
        #expect(table.rtt("b", "a")?.ms == 7)
    }
}
