import Control
import Testing
@testable import Signaling
import Topology

/// Allocations count from the moment a bridge is chosen: 200 joins arriving
/// at once, against bridges that never report (every stats report says 0),
/// spread over the bridges instead of piling onto the first one.
struct BurstPlacementTests {
    /// Five bridges of 60 endpoints, stressed at 0.8 (48 endpoints); at most
    /// 10 participants of a room per bridge. 200 joins fit only if spread:
    /// any one bridge would be overflowed by the 100 of its region.
    static let topology = try! Topology.parse(yaml: """
        version: 1
        name: burst
        regions:
          eu: { lat: 50, lon: 8 }
          us: { lat: 39, lon: -77 }
        latency-ms:
          eu~us: 88
        overlay: { mode: loopback }
        bridges:
          fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001, capacity: { endpoints: 60 } }
          fra-2: { region: eu, media: 127.0.0.1:10002, overlay: 127.0.0.1:4002, capacity: { endpoints: 60 } }
          fra-3: { region: eu, media: 127.0.0.1:10003, overlay: 127.0.0.1:4003, capacity: { endpoints: 60 } }
          iad-1: { region: us, media: 127.0.0.1:10004, overlay: 127.0.0.1:4004, capacity: { endpoints: 60 } }
          iad-2: { region: us, media: 127.0.0.1:10005, overlay: 127.0.0.1:4005, capacity: { endpoints: 60 } }
        signaling: { default-region: eu }
        selection: { max-participants-per-bridge: 10, stress-threshold: 0.8 }
        """, file: "burst.yaml")

    @Test func twoHundredSimultaneousJoinsSpreadWithinCapacityAndRoomLimits() async throws {
        let (controller, bridges) = try await ControllerFixture.make(topology: Self.topology)
        // Stale reports: every bridge says it is empty, and keeps saying so.
        for bridge in bridges.values { await bridge.report(BridgeStats(stress: 0, endpoints: 0), to: controller) }
        let joined = try await withThrowingTaskGroup(of: JoinResponse.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await controller.join(room: "room-\(index % 8)",
                                              request: JoinRequest(name: "p\(index)", region: index % 2 == 0 ? "eu" : "us"),
                                              peer: nil)
                }
            }
            return try await group.reduce(into: [JoinResponse]()) { $0.append($1) }
        }
        #expect(joined.count == 200)

        var perBridge: [String: Int] = [:]
        var perRoomBridge: [String: Int] = [:]
        for rooms in 0..<8 {
            for participant in (await controller.rooms["room-\(rooms)"]?.ordered) ?? [] {
                perBridge[participant.bridge, default: 0] += 1
                perRoomBridge["room-\(rooms)/\(participant.bridge)", default: 0] += 1
            }
        }
        #expect(perBridge.values.reduce(0, +) == 200)
        #expect(Set(perBridge.keys) == Set(Self.topology.bridges.map(\.id)), "every bridge takes a share: \(perBridge)")
        // Never at or above the stress threshold, so never above capacity.
        #expect(perBridge.values.allSatisfy { $0 <= 48 }, "\(perBridge)")
        #expect(perRoomBridge.values.allSatisfy { $0 <= 10 }, "\(perRoomBridge)")
        // What each bridge was told matches: one allocate per participant there.
        for (id, bridge) in bridges {
            let allocations = bridge.received.count { if case .allocate = $0 { true } else { false } }
            #expect(allocations == perBridge[id, default: 0])
        }
        // Every decision was recorded under its rule.
        let counts = await controller.selectionCounts()
        #expect(counts.values.reduce(0, +) == 200)
        #expect(counts["region"]! > 0 && counts["room-region"]! > 0 && counts["room"] == 0)
        #expect(Set(joined.map(\.selection)).isSubset(of: ["room-region", "region", "nearest"]))
    }

    @Test func aFailedAllocationIsNotCountedAgainstTheBridge() async throws {
        var topology = Self.topology
        topology.bridges = topology.bridges.filter { $0.id == "fra-1" }
        topology.bridges[0].capacity = 2
        let (controller, bridges) = try await ControllerFixture.make(topology: topology)
        bridges["fra-1"]!.refuse(with: "no ports left")
        for index in 0..<5 {
            await #expect(throws: APIError.self) {
                _ = try await controller.join(room: "r", request: JoinRequest(name: "p\(index)"), peer: nil)
            }
        }
        bridges["fra-1"]!.refuse(with: nil)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "a"), peer: nil)
        let b = try await controller.join(room: "r", request: JoinRequest(name: "b"), peer: nil)
        await #expect(throws: APIError.self, "full: capacity 2") {
            _ = try await controller.join(room: "r", request: JoinRequest(name: "c"), peer: nil)
        }
        // Leaving frees the place at once, without waiting for a report.
        try await controller.leave(room: "r", participant: b.id)
        _ = try await controller.join(room: "r", request: JoinRequest(name: "d"), peer: nil)
    }
}
