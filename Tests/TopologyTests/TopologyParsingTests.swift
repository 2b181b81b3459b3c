import Foundation
import Testing
@testable import Topology

/// The package root, found from this file's path, for the example topologies.
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

struct TopologyParsingTests {
    @Test func localTopologyIsValidAndEmbedsThreeRegionsOnLoopback() throws {
        let topology = try Topology.load(path: packageRoot().appendingPathComponent("topology/local.yaml").path)
        #expect(topology.regions.count == 3)
        #expect(topology.bridges.count >= 3)
        #expect(topology.overlay.mode == .loopback)
        #expect(topology.bridges.allSatisfy { $0.media.host.isLoopback && $0.overlay.host.isLoopback })
        #expect(topology.signaling.defaultRegion == "eu-central")
    }

    @Test func earthTopologyIsAProductionSizedWireGuardMesh() throws {
        let topology = try Topology.load(path: packageRoot().appendingPathComponent("topology/earth.yaml").path)
        #expect(topology.regions.count >= 6)
        #expect(topology.bridges.count >= 12)
        #expect(topology.overlay.mode == .wireguard)
        #expect(topology.overlay.network == CIDR(address: .v4([10, 77, 0, 0]), prefixLength: 16))
        #expect(topology.bridges.allSatisfy { $0.wireguard != nil && $0.cascadeKey != nil })
        #expect(topology.declaredLatencies[RegionPair("us-east", "eu-central")] == 88)
        #expect(topology.bridges.allSatisfy { $0.metrics == SocketAddress(host: $0.overlay.host, port: 9101) })
        #expect(topology.signaling.control?.description == "0.0.0.0:8081")
        #expect(topology.signaling.metrics?.description == "127.0.0.1:9090")
        #expect(topology.signaling.trustedProxies.map(\.description) == ["198.18.0.2/32", "198.18.0.3/32"])
        #expect(topology.signaling.auth == AuthSettings(algorithm: .hs256, keyFile: "secrets/jwt.secret", issuer: "meridian"))
    }

    @Test func fieldsAreReadWithTheirValuesAndDefaults() throws {
        let topology = try Topology.parse(yaml: """
            version: 1
            name: t
            regions:
              eu: { lat: 50, lon: 8, clients: ["192.0.2.0/24", "2001:db8::/32"] }
            overlay: { mode: loopback }
            bridges:
              b-1: { region: eu, media: "[::1]:10000", overlay: 127.0.0.2:4000, drain: true, capacity: { endpoints: 7 } }
            signaling: { default-region: eu }
            cascade: { strategy: mesh }
            """, file: "t.yaml")
        let bridge = try #require(topology.bridge(id: "b-1"))
        #expect(bridge.media.description == "[::1]:10000")
        #expect(bridge.overlay.description == "127.0.0.2:4000")
        #expect(bridge.drain && bridge.capacity == 7)
        #expect(topology.regions[0].clients.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(topology.signaling.listen.description == "127.0.0.1:8080")
        #expect(topology.cascade == CascadeSettings(strategy: .mesh, maxFanout: 4))
        #expect(topology.selection == SelectionSettings())
    }

    @Test func everyErrorOfAFileIsReportedAtOnceInFileOrder() throws {
        let error = try #require(throws: TopologyError.self) {
            try Topology.parse(yaml: """
                version: 1
                name: t
                regions:
                  eu: { lat: 95, lon: 8 }
                overlay: { mode: loopback }
                bridges:
                  b-1: { region: us, media: 127.0.0.1, overlay: 127.0.0.1:4000 }
                  b-2: { region: eu, media: 127.0.0.1:1, overlay: 127.0.0.1:4000, colour: red }
                signaling: { default-region: eu }
                """, file: "t.yaml")
        }
        let lines = error.diagnostics.map(\.line)
        #expect(error.diagnostics.count == 4, "\(error)")
        #expect(lines == lines.sorted())
        #expect(error.description.contains("t.yaml:4:14: error: lat 95 is out of range"))
        #expect(error.description.contains("t.yaml:7:18: error: bridge 'b-1' is in unknown region 'us'"))
        #expect(error.description.contains("t.yaml:7:29: error: media address '127.0.0.1' is not HOST:PORT"))
        #expect(error.description.contains("t.yaml:8:67: error: unknown key 'colour'"))
    }

    @Test func fileLargerThanTheLimitIsRefusedWithoutParsing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let line = "# " + String(repeating: "x", count: 1022) + "\n"
        try String(repeating: line, count: 1100).write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: TopologyError.self) { try Topology.load(path: path) }
        #expect(error.description.contains("a topology may be at most 1048576 bytes"))
    }

    @Test func binaryAndMissingFilesAreErrorsNotCrashes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bin-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0xff, 0xfe, 0x00, 0x01, 0x80]).write(to: URL(fileURLWithPath: path))
        let binary = try #require(throws: TopologyError.self) { try Topology.load(path: path) }
        #expect(binary.description.contains("not UTF-8"))
        let missing = try #require(throws: TopologyError.self) { try Topology.load(path: path + ".none") }
        #expect(missing.description.contains("cannot read the file"))
    }

    @Test func deeplyNestedAndAliasHeavyInputFinishesWithErrors() throws {
        let nested = "version: 1\nname: x\nregions: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: TopologyError.self) { try Topology.parse(yaml: nested, file: "n.yaml") }
        var bomb = "a: &a [x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 { bomb += "a\(i): &a\(i) [*a\(i == 1 ? "" : String(i - 1)), *a\(i == 1 ? "" : String(i - 1)), *a\(i == 1 ? "" : String(i - 1))]\n" }
        bomb += "version: 1\nname: x\nregions: *a11\n"
        #expect(throws: TopologyError.self) { try Topology.parse(yaml: bomb, file: "b.yaml") }
    }
}
