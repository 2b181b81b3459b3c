import Control
import Foundation
import Synchronization
import Testing
@testable import Signaling
import Topology

/// Live topology reload in the controller (issue 6): a valid version applies
/// without a restart; a removed bridge drains; an invalid edit of the file
/// is logged with its location and changes nothing.
@Suite("Controller topology reload")
struct TopologyReloadTests {
    /// `world` without `sin-1` (and without its region's latencies changing).
    static func worldWithout(_ removed: String) -> Topology {
        var topology = ControllerFixture.world()
        topology.bridges.removeAll { $0.id == removed }
        return topology
    }

    @Test func aBridgeAddedToTheFileBecomesSelectable() async throws {
        let full = ControllerFixture.world()
        let (controller, bridges) = try await ControllerFixture.make(topology: full)
        // Start from the version without sin-1, then apply the full one.
        await controller.apply(topology: Self.worldWithout("sin-1"))
        let before = try await controller.join(room: "r", request: JoinRequest(name: "a", region: "ap"), peer: nil)
        #expect(before.bridge != "sin-1", "sin-1 is not in the topology yet")
        await controller.apply(topology: full)
        let after = try await controller.join(room: "r", request: JoinRequest(name: "b", region: "ap"), peer: nil)
        #expect(after.bridge == "sin-1")
        #expect(bridges["sin-1"]!.received.contains { if case .allocate = $0 { true } else { false } })
    }

    @Test func aRemovedBridgeDrainsKeepingItsParticipants() async throws {
        let (controller, _) = try await ControllerFixture.make(topology: ControllerFixture.world())
        let ana = try await controller.join(room: "r", request: JoinRequest(name: "ana", region: "ap"), peer: nil)
        #expect(ana.bridge == "sin-1")
        await controller.apply(topology: Self.worldWithout("sin-1"))
        let states = Dictionary(uniqueKeysWithValues: await controller.registry.infos().map { ($0.id, $0.state) })
        #expect(states["sin-1"] == "draining", "a removed bridge that is still connected drains: \(states)")
        let ben = try await controller.join(room: "r", request: JoinRequest(name: "ben", region: "ap"), peer: nil)
        #expect(ben.bridge != "sin-1")
        let room = try await controller.roomInfo("r")
        #expect(room.participants.contains { $0.name == "ana" && $0.bridge == "sin-1" }, "ana stays where she is")
    }

    @Test func aCapacityChangeAppliesToTheNextJoin() async throws {
        var small = ControllerFixture.world()
        for index in small.bridges.indices where small.bridges[index].region == "ap" { small.bridges[index].capacity = 0 }
        let (controller, _) = try await ControllerFixture.make(topology: ControllerFixture.world())
        await controller.apply(topology: small)
        let full = try await controller.join(room: "r", request: JoinRequest(name: "a", region: "ap"), peer: nil)
        #expect(full.bridge != "sin-1", "sin-1 has no capacity in the new version")
        await controller.apply(topology: ControllerFixture.world())
        let back = try await controller.join(room: "q", request: JoinRequest(name: "b", region: "ap"), peer: nil)
        #expect(back.bridge == "sin-1")
    }

    @Test func theFollowerAppliesValidEditsAndLogsInvalidOnesWithTheirLocation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("topology.yaml").path
        let yaml = """
            version: 1
            name: t
            regions:
              eu: { lat: 50, lon: 8 }
            overlay: { mode: loopback }
            bridges:
              fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }
            signaling: { default-region: eu }

            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let topology = try Topology.load(path: path)
        let lines = LogLines()
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology)) { lines.append($0) }
        let follower = Task { await controller.follow(topologyFile: path, interval: .milliseconds(20)) }
        defer { follower.cancel() }

        try yaml.replacingOccurrences(of: "  fra-1: { region", with: "  fra-1: { regoin")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await lines.eventually { $0.contains("\(path):7:12: error: unknown key 'regoin'") }, "\(lines.all)")
        #expect(await controller.registry.bridge("fra-1") != nil, "the running version stays")

        try (yaml + "").replacingOccurrences(of: "  fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }",
                                             with: "  fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }\n  fra-2: { region: eu, media: 127.0.0.1:10002, overlay: 127.0.0.1:4002 }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await lines.eventually { $0.contains("topology: applied 't': 2 bridges, added fra-2") }, "\(lines.all)")
        #expect(await controller.registry.bridge("fra-2") != nil)
    }
}

/// Log lines collected from the controller's log closure.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }

    /// Polls until some line satisfies `condition` (up to 30 s: a loaded machine).
    func eventually(_ condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if all.contains(where: condition) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return all.contains(where: condition)
    }
}
