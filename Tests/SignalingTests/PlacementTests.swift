import Testing
@testable import Signaling
import Topology

/// `BridgeSelector`: the three rules in order (room's bridge in the region,
/// the region's least loaded, the nearest region), every reason a bridge is
/// skipped, and `single` keeping a room on one bridge.
struct PlacementTests {
    typealias Rule = BridgeSelector.Rule

    /// eu: fra-1, fra-2; us: iad-1; ap: sin-1; sa: none. Room limit 3,
    /// capacity 10 each, stress threshold 0.8.
    static let world: Topology = {
        var topology = ControllerFixture.world()
        topology.bridges = topology.bridges.map { var b = $0; b.capacity = 10; return b }
        topology.selection.maxParticipantsPerBridge = 3
        return topology
    }()

    static func candidates(_ topology: Topology = world, load: [String: Int] = [:],
                           room: [String: Int] = [:]) -> [BridgeSelector.Candidate] {
        topology.bridges.map { .init(bridge: $0, endpoints: load[$0.id] ?? 0, roomParticipants: room[$0.id] ?? 0) }
    }

    static func pick(_ region: String, room roomBridges: [String] = [], _ candidates: [BridgeSelector.Candidate] = candidates(),
                     topology: Topology = world) -> String? {
        BridgeSelector(topology: topology).select(region: region, roomBridges: roomBridges, candidates: candidates)
            .map { "\($0.bridge.id) \($0.rule.rawValue)" }
    }

    struct RuleCase: Sendable, CustomTestStringConvertible {
        var region: String
        var roomBridges: [String]
        var load: [String: Int] = [:]
        var expected: String?
        var testDescription: String { "\(region) room \(roomBridges) load \(load) → \(expected ?? "nil")" }
    }

    @Test(arguments: [
        // 1. room-region: the room's bridge in the region, even when busier.
        RuleCase(region: "eu", roomBridges: ["iad-1", "fra-2"], load: ["fra-2": 6], expected: "fra-2 room-region"),
        RuleCase(region: "eu", roomBridges: ["fra-2", "fra-1"], expected: "fra-2 room-region"),
        // 2. region: the least loaded bridge of the region, then by id.
        RuleCase(region: "eu", roomBridges: [], expected: "fra-1 region"),
        RuleCase(region: "eu", roomBridges: ["iad-1"], load: ["fra-1": 5, "fra-2": 2], expected: "fra-2 region"),
        RuleCase(region: "us", roomBridges: ["fra-1"], expected: "iad-1 region"),
        RuleCase(region: "ap", roomBridges: ["fra-1"], expected: "sin-1 region"),
        // 3. nearest: São Paulo is nearer Ashburn than Frankfurt or Singapore.
        RuleCase(region: "sa", roomBridges: [], expected: "iad-1 nearest"),
        RuleCase(region: "sa", roomBridges: ["fra-2"], expected: "iad-1 nearest"),
    ])
    func rulesApplyInOrder(_ c: RuleCase) {
        #expect(Self.pick(c.region, room: c.roomBridges, Self.candidates(load: c.load)) == c.expected)
    }

    @Test func nearestPrefersTheRoomsBridgeThereThenTheLeastLoaded() {
        let noUS = Self.candidates().filter { $0.bridge.region != "us" }
        #expect(Self.pick("sa", room: ["fra-2"], noUS) == "fra-2 nearest")
        #expect(Self.pick("sa", room: [], noUS) == "fra-1 nearest")
        var loaded = Self.candidates(load: ["fra-1": 4]).filter { $0.bridge.region != "us" }
        #expect(Self.pick("sa", room: [], loaded) == "fra-2 nearest")
        loaded.removeAll { $0.bridge.region == "eu" }
        #expect(Self.pick("sa", room: [], loaded) == "sin-1 nearest")
        #expect(Self.pick("sa", room: [], []) == nil)
    }

    struct SkipCase: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout BridgeSelector.Candidate) -> Void
        var reason: BridgeSelector.SkipReason
        var testDescription: String { name }
    }

    /// Each reason on fra-1, the room's bridge in eu: it is skipped for that
    /// reason, and the participant goes to fra-2 by the next rule.
    @Test(arguments: [
        SkipCase(name: "down", change: { $0.up = false }, reason: .down),
        SkipCase(name: "draining", change: { $0.draining = true }, reason: .draining),
        SkipCase(name: "excluded (moving away)", change: { $0.excluded = true }, reason: .excluded),
        SkipCase(name: "full at capacity", change: { $0.endpoints = 10 }, reason: .full),
        SkipCase(name: "full beyond capacity", change: { $0.endpoints = 11 }, reason: .full),
        SkipCase(name: "stressed at the threshold", change: { $0.stress = 0.8 }, reason: .stressed),
        SkipCase(name: "stressed above", change: { $0.stress = 0.95 }, reason: .stressed),
        SkipCase(name: "holding max-participants-per-bridge of the room", change: { $0.roomParticipants = 3 }, reason: .roomFull),
        SkipCase(name: "down wins over other reasons", change: { $0.up = false; $0.endpoints = 99 }, reason: .down),
    ])
    func aBridgeThatCannotTakeTheParticipantIsSkipped(_ c: SkipCase) {
        var candidates = Self.candidates()
        c.change(&candidates[0])
        let selector = BridgeSelector(topology: Self.world)
        #expect(candidates[0].bridge.id == "fra-1")
        #expect(selector.skipReason(candidates[0]) == c.reason)
        #expect(Self.pick("eu", room: ["fra-1"], candidates) == "fra-2 region")
    }

    @Test func aBridgeJustBelowEveryLimitIsTaken() {
        var candidates = Self.candidates()
        candidates[0].endpoints = 9
        candidates[0].stress = 0.79
        candidates[0].roomParticipants = 2
        #expect(BridgeSelector(topology: Self.world).skipReason(candidates[0]) == nil)
        #expect(Self.pick("eu", room: ["fra-1"], candidates) == "fra-1 room-region")
    }

    @Test func whenTheWholeRegionIsSkippedTheNearestRegionTakesOver() {
        var candidates = Self.candidates()
        candidates[0].draining = true
        candidates[1].roomParticipants = 3
        #expect(Self.pick("eu", room: ["fra-2"], candidates) == "iad-1 nearest")
        for index in candidates.indices { candidates[index].up = false }
        #expect(Self.pick("eu", room: ["fra-2"], candidates) == nil)
    }

    @Test func singleKeepsTheRoomOnItsFirstBridgeOrRefuses() {
        var topology = ControllerFixture.world(strategy: "single")
        #expect(Self.pick("ap", room: ["iad-1"], Self.candidates(topology), topology: topology) == "iad-1 room")
        #expect(Self.pick("us", room: ["iad-1"], Self.candidates(topology), topology: topology) == "iad-1 room-region")
        #expect(Self.pick("ap", room: [], Self.candidates(topology), topology: topology) == "sin-1 region")
        topology.bridges = topology.bridges.map { var b = $0; b.capacity = 1; return b }
        let full = Self.candidates(topology, load: ["iad-1": 1])
        #expect(Self.pick("us", room: ["iad-1"], full, topology: topology) == nil,
                "splitting a single room would leave its halves unable to see each other")
        // The host is gone (down or draining): a new host by region.
        var hostGone = Self.candidates(topology)
        hostGone[2].up = false
        #expect(Self.pick("ap", room: ["iad-1"], hostGone, topology: topology) == "sin-1 region")
        hostGone[2].up = true
        hostGone[2].draining = true
        #expect(Self.pick("ap", room: ["iad-1"], hostGone, topology: topology) == "sin-1 region")
    }

    // MARK: The ledger

    @Test func theLedgerCountsPlacementsUntilTheyAreRemoved() {
        var ledger = AllocationLedger()
        let t0 = ContinuousClock.now
        ledger.place(endpoint: "a", room: "r", bridge: "fra-1", at: t0)
        ledger.place(endpoint: "b", room: "r", bridge: "fra-1", at: t0 + .seconds(1))
        ledger.place(endpoint: "c", room: "s", bridge: "fra-1", at: t0 + .seconds(2))
        ledger.place(endpoint: "d", room: "r", bridge: "fra-2", at: t0 + .seconds(3))
        #expect(ledger.count(on: "fra-1") == 3 && ledger.count(on: "fra-1", room: "r") == 2)
        #expect(ledger.bridges(room: "r") == ["fra-1", "fra-2"])
        // No report yet: our own count.
        #expect(ledger.load(on: "fra-1", reported: 0, reportedAt: nil) == 3)
        // A report from before the last two placements: it plus those two.
        #expect(ledger.load(on: "fra-1", reported: 40, reportedAt: t0 + .milliseconds(500)) == 42)
        // A report that undercounts what we know is there: our count.
        #expect(ledger.load(on: "fra-1", reported: 1, reportedAt: t0 + .seconds(5)) == 3)
        // Moving and removing.
        ledger.place(endpoint: "a", room: "r", bridge: "fra-2", at: t0 + .seconds(4))
        #expect(ledger.count(on: "fra-1", room: "r") == 1 && ledger.count(on: "fra-2", room: "r") == 2)
        #expect(ledger.remove(endpoint: "d")?.bridge == "fra-2")
        #expect(ledger.remove(endpoint: "d") == nil)
        #expect(ledger.count(on: "fra-2") == 1)
    }
}
