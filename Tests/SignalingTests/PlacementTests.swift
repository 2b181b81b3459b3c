import Testing
@testable import Signaling
import Topology

/// `BridgeSelector`: region first, the room's bridges before others, nearest
/// region as the fallback, and `single` keeping a room on one bridge.
struct PlacementTests {
    static let world = ControllerFixture.world()

    static func candidates(_ topology: Topology = world, load: [String: Int] = [:]) -> [BridgeSelector.Candidate] {
        topology.bridges.map { .init(bridge: $0, endpoints: load[$0.id] ?? 0, stress: 0) }
    }

    @Test func aRegionHintPicksABridgeOfThatRegion() {
        let selector = BridgeSelector(topology: Self.world)
        #expect(selector.select(region: "us", roomBridges: [], candidates: Self.candidates())?.id == "iad-1")
        #expect(selector.select(region: "ap", roomBridges: ["fra-1"], candidates: Self.candidates())?.id == "sin-1")
    }

    @Test func withinARegionTheLeastLoadedBridgeWinsThenTheId() {
        let selector = BridgeSelector(topology: Self.world)
        #expect(selector.select(region: "eu", roomBridges: [], candidates: Self.candidates())?.id == "fra-1")
        let loaded = Self.candidates(load: ["fra-1": 5, "fra-2": 2])
        #expect(selector.select(region: "eu", roomBridges: [], candidates: loaded)?.id == "fra-2")
    }

    @Test func aParticipantJoinsTheRoomsBridgeInItsRegionEvenWhenBusier() {
        let selector = BridgeSelector(topology: Self.world)
        let loaded = Self.candidates(load: ["fra-1": 0, "fra-2": 40])
        #expect(selector.select(region: "eu", roomBridges: ["iad-1", "fra-2"], candidates: loaded)?.id == "fra-2")
    }

    @Test func aFullOrStressedBridgeIsSkipped() {
        var topology = Self.world
        topology.bridges = topology.bridges.map { var b = $0; b.capacity = 10; return b }
        let selector = BridgeSelector(topology: topology)
        let full = Self.candidates(topology, load: ["fra-2": 10])
        #expect(selector.select(region: "eu", roomBridges: ["fra-2"], candidates: full)?.id == "fra-1")
        var stressed = Self.candidates(topology)
        stressed[0].stress = 0.95  // fra-1
        #expect(selector.select(region: "eu", roomBridges: [], candidates: stressed)?.id == "fra-2")
    }

    @Test func aRegionWithoutBridgesFallsBackToTheNearestRegion() {
        let selector = BridgeSelector(topology: Self.world)
        // São Paulo is nearer Ashburn than Frankfurt or Singapore.
        #expect(selector.select(region: "sa", roomBridges: [], candidates: Self.candidates())?.id == "iad-1")
        // With us gone, eu is nearest; the room's bridge there comes first.
        let noUS = Self.candidates().filter { $0.bridge.region != "us" }
        #expect(selector.select(region: "sa", roomBridges: ["fra-2"], candidates: noUS)?.id == "fra-2")
        #expect(selector.select(region: "sa", roomBridges: [], candidates: noUS)?.id == "fra-1")
    }

    @Test func singleKeepsTheRoomOnItsFirstBridgeOrRefuses() {
        var topology = ControllerFixture.world(strategy: "single")
        let selector = BridgeSelector(topology: topology)
        #expect(selector.select(region: "ap", roomBridges: ["iad-1"], candidates: Self.candidates(topology))?.id == "iad-1")
        #expect(selector.select(region: "ap", roomBridges: [], candidates: Self.candidates(topology))?.id == "sin-1")
        topology.bridges = topology.bridges.map { var b = $0; b.capacity = 1; return b }
        let full = Self.candidates(topology, load: ["iad-1": 1])
        #expect(BridgeSelector(topology: topology).select(region: "us", roomBridges: ["iad-1"], candidates: full) == nil,
                "splitting a single room would leave its halves unable to see each other")
        // The host is gone (not selectable): a new host by region.
        let hostGone = Self.candidates(topology).filter { $0.bridge.id != "iad-1" }
        #expect(BridgeSelector(topology: topology).select(region: "ap", roomBridges: ["iad-1"], candidates: hostGone)?.id == "sin-1")
    }
}
