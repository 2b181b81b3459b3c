import Cascade
import Testing
import Topology

/// Copies of one stream over links above the long-haul threshold.
@Suite struct LongHaulAccountingTests {
    private func table(_ rtt: [BridgePair: Double], _ ids: [String]) throws -> LatencyTable {
        try LatencyTable(bridges: ids) { rtt[BridgePair($0, $1)].map { BridgeRTT(ms: $0, source: .declared) } }
    }

    @Test func treeStreamSkipsSubtreesWithoutParticipants() throws {
        // Hub h, leaves x, y, z at 50 ms; the leaves are 200 ms apart.
        var rtt: [BridgePair: Double] = [:]
        for leaf in ["x", "y", "z"] { rtt[BridgePair("h", leaf)] = 50 }
        for (a, b) in [("x", "y"), ("x", "z"), ("y", "z")] { rtt[BridgePair(a, b)] = 200 }
        let star = try CascadePlanner(strategy: .tree, maxFanout: 3).plan(table(rtt, ["h", "x", "y", "z"]))
        #expect(star.neighbours(of: "h") == ["x", "y", "z"])
        let report = LongHaulAccounting.count(star, participants: ["x", "y"])
        #expect(report.copiesPerOrigin == [OriginCopies(bridge: "x", copies: 2), OriginCopies(bridge: "y", copies: 2)])
        #expect(report.totalCopies == 4)
        #expect(report.meanPerStream == 2)
        let everyone = LongHaulAccounting.count(star, participants: ["h", "x", "y", "z"])
        #expect(everyone.copiesPerOrigin.map(\.copies) == [3, 3, 3, 3])
    }

    @Test func meshSendsOneCopyPerReceivingBridge() throws {
        var rtt: [BridgePair: Double] = [:]
        for (a, b) in [("a", "b"), ("a", "c"), ("b", "c")] { rtt[BridgePair(a, b)] = 80 }
        rtt[BridgePair("a", "a2")] = 1
        rtt[BridgePair("b", "a2")] = 80
        rtt[BridgePair("c", "a2")] = 80
        let mesh = try CascadePlanner(strategy: .mesh, maxFanout: 2).plan(table(rtt, ["a", "a2", "b", "c"]))
        let report = LongHaulAccounting.count(mesh, participants: ["a", "a2", "b", "c"])
        #expect(report.copiesPerOrigin.map(\.copies) == [2, 2, 3, 3])
        #expect(report.totalCopies == 10)
    }

    @Test func twoContinentsCostOneLongHaulCopyPerStreamOnTheTreeAndTwoOnTheMesh() throws {
        // DESIGN §6: tree versus mesh with two bridges on each of two continents.
        let topology = try Fixtures.topology("earth")
        let latencies = BridgeLatencies(topology: topology)
        let bridges = ["fra-1", "fra-2", "iad-1", "iad-2"]
        let area = { (bridge: String) in LongHaulAccounting.area(ofRegion: latencies.region(of: bridge) ?? bridge) }
        let tree = try CascadePlanner(strategy: .tree, maxFanout: 4).plan(bridges: bridges, latencies: latencies)
        let mesh = try CascadePlanner(strategy: .mesh, maxFanout: 4).plan(bridges: bridges, latencies: latencies)
        let onTree = LongHaulAccounting.count(tree, participants: Set(bridges), group: area)
        let onMesh = LongHaulAccounting.count(mesh, participants: Set(bridges), group: area)
        #expect(onTree.copiesPerOrigin.map(\.copies) == [1, 1, 1, 1])
        #expect(onMesh.copiesPerOrigin.map(\.copies) == [2, 2, 2, 2])
        #expect(onTree.byPair == [RegionPair("eu", "us"): 4])
        #expect(onMesh.byPair == [RegionPair("eu", "us"): 8])
    }

    @Test func thresholdDecidesWhatIsLongHaul() throws {
        let (_, table) = try Fixtures.earth()
        let tree = try CascadePlanner(strategy: .tree, maxFanout: 4).plan(table)
        let everyone = Set(table.ids)
        let strict = LongHaulAccounting.count(tree, participants: everyone, thresholdMs: 0)
        // Threshold 0: every link is long-haul and every stream crosses all 11.
        #expect(strict.copiesPerOrigin.allSatisfy { $0.copies == 11 })
        let lenient = LongHaulAccounting.count(tree, participants: everyone, thresholdMs: 10_000)
        #expect(lenient.totalCopies == 0)
    }

    @Test func areaIsTheRegionNamePrefix() {
        #expect(LongHaulAccounting.area(ofRegion: "eu-central") == "eu")
        #expect(LongHaulAccounting.area(ofRegion: "ap-south-east") == "ap")
        #expect(LongHaulAccounting.area(ofRegion: "frankfurt") == "frankfurt")
    }
}
