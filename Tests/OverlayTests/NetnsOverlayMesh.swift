import Foundation
import Topology

/// Bridges in their own network namespaces on one Ethernet segment, each with
/// the real `meridian` binary at hand: the stage for overlay tests.
///
///     namespace <tag>hub: Linux bridge br0
///        ├─ veth va ── eth0 in namespace <tag>a  192.168.77.1/24
///        ├─ veth vb ── eth0 in namespace <tag>b  192.168.77.2/24
///        └─ veth vc ── eth0 in namespace <tag>c  192.168.77.3/24
///
/// The topology (`WireGuardMeshFixture`) and every `ID.key` are written to a
/// temporary directory. Nothing here starts WireGuard: tests run
/// `meridian overlay up` themselves (`up(_:)`), and later tests (sealed
/// channels over the overlay) reuse the same stage with `lab.run(_:in:)` and
/// `NetnsLab.inside(_:_:)`.
struct NetnsOverlayMesh {
    let lab: NetnsLab
    var fixture: WireGuardMeshFixture
    let directory: URL
    let topologyPath: String

    static func build(in lab: NetnsLab, ids: [String] = ["a", "b", "c"]) throws -> NetnsOverlayMesh {
        let fixture = WireGuardMeshFixture(ids: ids)
        let hub = try lab.addNamespace("hub")
        try lab.check(["ip", "-n", hub, "link", "add", "br0", "type", "bridge"])
        try lab.check(["ip", "-n", hub, "link", "set", "br0", "up"])
        for node in fixture.nodes {
            let namespace = try lab.addNamespace(node.id)
            let veth = "v\(node.id)"
            try lab.check(["ip", "-n", hub, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace])
            try lab.check(["ip", "-n", hub, "link", "set", veth, "master", "br0", "up"])
            try lab.check(["ip", "-n", namespace, "addr", "add", "\(node.endpoint.host)/24", "dev", "eth0"])
            try lab.check(["ip", "-n", namespace, "link", "set", "eth0", "up"])
        }
        let directory = try makeTemporaryDirectory("netns-\(lab.tag)")
        let path = try fixture.write(to: directory)
        return NetnsOverlayMesh(lab: lab, fixture: fixture, directory: directory, topologyPath: path)
    }

    func namespace(_ id: String) -> String { lab.namespace(id) }
    func interface(_ id: String) -> String { lab.interface(id) }

    /// Rewrites the topology file in place, as an operator editing it would.
    mutating func edit(_ change: (inout WireGuardMeshFixture) -> Void) throws {
        change(&fixture)
        try fixture.yaml.write(toFile: topologyPath, atomically: true, encoding: .utf8)
    }

    /// `meridian ARGS` inside bridge `id`'s namespace.
    func meridian(_ arguments: [String], on id: String, environment: [String: String] = [:]) throws -> NetnsLab.Output {
        let env = environment.isEmpty ? [] : ["env"] + environment.map { "\($0.key)=\($0.value)" }
        return try lab.run(env + [Self.binary] + arguments, in: namespace(id))
    }

    /// `meridian overlay up` for bridge `id` with its own interface name.
    func up(_ id: String) throws -> NetnsLab.Output {
        try meridian(["overlay", "up", "--topology", topologyPath, "--id", id, "--interface", interface(id)], on: id)
    }

    func status(_ id: String) throws -> NetnsLab.Output {
        try meridian(["overlay", "status", "--topology", topologyPath, "--id", id, "--interface", interface(id)], on: id)
    }

    func down(_ id: String) throws -> NetnsLab.Output {
        try meridian(["overlay", "down", "--interface", interface(id)], on: id)
    }

    /// `wg show IFACE latest-handshakes`: Unix time of the last handshake per
    /// peer public key (0 = none yet), read by wireguard-tools, not by us.
    func latestHandshakes(_ id: String) throws -> [String: Int] {
        let output = try lab.check(["wg", "show", interface(id), "latest-handshakes"], in: namespace(id))
        var result: [String: Int] = [:]
        for line in output.stdout.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.count == 2, let time = Int(fields[1]) { result[String(fields[0])] = time }
        }
        return result
    }

    /// Waits until every peer of every listed bridge has completed a handshake.
    func waitForHandshakes(_ ids: [String], timeout: Double = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let all = try ids.allSatisfy { id in
                let handshakes = try latestHandshakes(id)
                return !handshakes.isEmpty && handshakes.values.allSatisfy { $0 > 0 }
            }
            if all { return true }
            usleep(200_000)
        } while Date() < deadline
        return false
    }

    /// The `meridian` executable: $MERIDIAN_BINARY, else next to the test
    /// bundle (SwiftPM puts both in the build products directory).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MERIDIAN_BINARY"] { return path }
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for directory in candidates {
            let url = directory.appendingPathComponent("meridian")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/meridian").path
    }
}
