import Testing
@testable import Topology

struct LatencyMatrixTests {
    let topology = Topology(
        name: "t",
        regions: [Region(name: "fra", latitude: 50.11, longitude: 8.68),
                  Region(name: "iad", latitude: 39.04, longitude: -77.49),
                  Region(name: "sin", latitude: 1.35, longitude: 103.82)],
        declaredLatencies: [RegionPair("iad", "fra"): 88],
        overlay: OverlaySettings(mode: .loopback), bridges: [],
        signaling: SignalingSettings(listen: SocketAddress(host: .v4([127, 0, 0, 1]), port: 8080), defaultRegion: "fra"))

    @Test func declaredLatencyWinsInBothDirections() {
        let matrix = LatencyMatrix(topology: topology)
        #expect(matrix.rtt("fra", "iad")! == (88, .declared))
        #expect(matrix.rtt("iad", "fra")! == (88, .declared))
    }

    @Test func undeclaredPairsAreEstimatedFromGreatCircleDistance() throws {
        // Frankfurt–Singapore is about 10,260 km: 2 × 10,260 / 199.86 + 10 ≈ 112.7 ms.
        let km = LatencyMatrix.greatCircleKm(topology.regions[0], topology.regions[2])
        #expect(abs(km - 10_260) < 60)
        let (ms, source) = try #require(LatencyMatrix(topology: topology).rtt("sin", "fra"))
        #expect(source == .estimated)
        #expect(abs(ms - (2 * km / 199.86 + 10)) < 0.01)
        #expect(LatencyMatrix(topology: topology).rtt("fra", "nowhere") == nil)
    }

    @Test func sameRegionIsOneMillisecond() {
        #expect(LatencyMatrix(topology: topology).rtt("sin", "sin")! == (1, .estimated))
    }
}
