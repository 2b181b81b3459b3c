import Foundation
import Glibc
@testable import Overlay
import Testing
import Topology

/// The issue's overlay test: three bridges in three network namespaces on one
/// Ethernet segment, each running the real `meridian overlay up` from one
/// topology file, with wireguard-go (this kernel path is the userspace one
/// wherever the kernel lacks the module).
@Suite("WireGuard overlay across namespaces", .serialized)
struct WireGuardNamespaceTests {
    final class Handle<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    @Test func threeBridgesMeshThroughWireGuardAndUpFollowsTopologyEdits() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip, .wireguardGo, .wg])
        try NetnsLab.with { lab in
            var mesh = try NetnsOverlayMesh.build(in: lab)
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            let ids = ["a", "b", "c"]

            // 1. First `up` in each namespace creates and configures everything.
            for id in ids {
                let output = try mesh.up(id)
                try #require(output.status == 0, "up \(id): \(output)")
                #expect(output.stdout.contains("this kernel has no WireGuard module") || output.stdout.contains("using kernel WireGuard"),
                        "up \(id) must say which path it takes: \(output.stdout)")
                #expect(output.stdout.contains("created interface \(mesh.interface(id))"))
                #expect(output.stdout.contains("add address \(mesh.fixture.node(id).overlay)/16"))
                #expect(output.stdout.components(separatedBy: "\nadd peer ").count - 1 == 2, "\(output.stdout)")
                #expect(output.stdout.contains("set link up"))
            }

            // 2. UDP between overlay addresses flows, through WireGuard only
            //    (the overlay addresses exist nowhere else).
            for (from, to) in [("a", "b"), ("b", "c"), ("c", "a")] {
                try expectUDPFlows(mesh, from: from, to: to, count: 50)
            }
            #expect(try mesh.waitForHandshakes(ids), "wg show must report a handshake with every peer")
            for id in ids {
                let route = try lab.check(["ip", "route", "get", "10.77.1.9"], in: mesh.namespace(id)).stdout
                #expect(route.contains("dev \(mesh.interface(id))"), "\(route)")
            }
            let status = try mesh.status("a")
            try #require(status.status == 0, "\(status)")
            #expect(status.stdout.contains("path: userspace wireguard-go pid") || status.stdout.contains("path: kernel"))
            #expect(status.stdout.contains("peer: b \(mesh.fixture.node("b").keys.wireguard.publicKey)"))
            #expect(status.stdout.contains("peer: c \(mesh.fixture.node("c").keys.wireguard.publicKey)"))
            #expect(!status.stdout.contains("latest handshake: never"), "\(status.stdout)")
            #expect(status.stdout.contains("endpoint: 192.168.77.2:51820"))

            // 3. A second `up` changes nothing and says so.
            for id in ids {
                let before = try configurationDump(mesh, id)
                let output = try mesh.up(id)
                try #require(output.status == 0, "\(output)")
                #expect(output.stdout.contains("\(mesh.interface(id)): no changes (already matches the topology)"), "\(output.stdout)")
                #expect(try configurationDump(mesh, id) == before)
            }

            // 4. Edit: remove bridge c, move bridge b's WireGuard port.
            let handshakeBefore = try mesh.latestHandshakes("a")[mesh.fixture.node("b").keys.wireguard.publicKey.base64] ?? 0
            let cKey = mesh.fixture.node("c").keys.wireguard.publicKey
            try mesh.edit { fixture in
                fixture.nodes.removeAll { $0.id == "c" }
                fixture.nodes[1].endpoint.port = 51821
            }
            let upA = try mesh.up("a")
            try #require(upA.status == 0, "\(upA)")
            #expect(changeLines(upA.stdout, interface: mesh.interface("a")) == [
                "remove peer \(cKey) (no longer in the topology)",
                "update peer b: endpoint 192.168.77.2:51820 → 192.168.77.2:51821",
            ])
            #expect(upA.stdout.contains("2 changes applied"))
            // Peer b was updated in place: its session survived.
            let handshakeAfter = try mesh.latestHandshakes("a")[mesh.fixture.node("b").keys.wireguard.publicKey.base64] ?? 0
            #expect(handshakeAfter >= handshakeBefore && handshakeAfter > 0)

            let upB = try mesh.up("b")
            try #require(upB.status == 0, "\(upB)")
            #expect(changeLines(upB.stdout, interface: mesh.interface("b")) == [
                "set listen port 51821 (was 51820)",
                "remove peer \(cKey) (no longer in the topology)",
            ])
            let upC = try mesh.up("c")
            #expect(upC.status == 1)
            #expect(upC.stderr.contains("error: bridge 'c' is not in the topology (its bridges are: a, b)"), "\(upC)")

            try expectUDPFlows(mesh, from: "a", to: "b", count: 20)
            #expect(try mesh.latestHandshakes("a").keys.sorted() == [mesh.fixture.node("b").keys.wireguard.publicKey.base64])
            for id in ["a", "b"] {
                let again = try mesh.up(id)
                #expect(again.stdout.contains("no changes"), "\(again)")
            }

            // 5. `down` removes the interface and its wireguard-go, everywhere.
            for id in ids {
                let pids = try lab.check(["ip", "netns", "pids", mesh.namespace(id)]).stdout
                    .split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                #expect(pids.count == 1, "exactly one wireguard-go per namespace, got \(pids)")
                let output = try mesh.down(id)
                try #require(output.status == 0, "\(output)")
                #expect(output.stdout.contains("removed interface \(mesh.interface(id))"))
                if let pid = pids.first {
                    // It went by itself when its interface was deleted, unsignalled.
                    #expect(output.stdout.contains("wireguard-go (pid \(pid)) exited\n"), "\(output.stdout)")
                    #expect(!WireGuardGoProcess.isRunning(pid: pid))
                }
                #expect(try lab.run(["ip", "link", "show", mesh.interface(id)], in: mesh.namespace(id)).status != 0)
                #expect(!FileManager.default.fileExists(atPath: "/var/run/wireguard/\(mesh.interface(id)).sock"))
                #expect(try lab.check(["ip", "netns", "pids", mesh.namespace(id)]).stdout.isEmpty)
                let again = try mesh.down(id)
                #expect(again.status == 0 && again.stdout.contains("no such interface; nothing to do"), "\(again)")
            }
        }
    }

    /// `count` datagrams from bridge `from`'s overlay address to bridge `to`'s
    /// cascade port, all received intact and in order, and one reply back.
    func expectUDPFlows(_ mesh: NetnsOverlayMesh, from: String, to: String, count: Int,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let source = SocketAddress(host: mesh.fixture.node(from).overlay, port: 0)
        let target = SocketAddress(host: mesh.fixture.node(to).overlay, port: WireGuardMeshFixture.overlayPort)
        let sender = try NetnsLab.inside(mesh.namespace(from)) { Handle(try NetnsUDPSocket(binding: source)) }.value
        let receiver = try NetnsLab.inside(mesh.namespace(to)) { Handle(try NetnsUDPSocket(binding: target)) }.value
        var received: [String] = []
        for index in 0..<count {
            try sender.send(Array("meridian \(from)→\(to) #\(index)".utf8), to: target)
            // The first datagram waits for the handshake (WireGuard queues it).
            guard let datagram = try receiver.receive(timeout: index == 0 ? 10 : 3) else { break }
            received.append(String(decoding: datagram, as: UTF8.self))
        }
        #expect(received == (0..<count).map { "meridian \(from)→\(to) #\($0)" },
                "UDP \(from)→\(to) over the overlay", sourceLocation: sourceLocation)
        try receiver.send(Array("pong".utf8), to: SocketAddress(host: mesh.fixture.node(from).overlay,
                                                                port: try sender.localPort()))
        #expect(try sender.receive(timeout: 3) == Array("pong".utf8), sourceLocation: sourceLocation)
    }

    /// `wg show IFACE dump` without the moving columns (handshake time,
    /// counters): private key, port, and per peer key, endpoint, allowed IPs, keepalive.
    func configurationDump(_ mesh: NetnsOverlayMesh, _ id: String) throws -> [String] {
        let dump = try mesh.lab.check(["wg", "show", mesh.interface(id), "dump"], in: mesh.namespace(id)).stdout
        return dump.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // Peer lines: key, psk, endpoint, allowed-ips, handshake, rx, tx, keepalive.
            return fields.count == 8 ? [fields[0], fields[2], fields[3], fields[7]].joined(separator: " ")
                                     : fields.joined(separator: " ")
        }.sorted()
    }

    /// The change lines `up` printed (not the path or summary lines).
    func changeLines(_ stdout: String, interface: String) -> [String] {
        stdout.split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("\(interface):") && !$0.hasPrefix("created interface")
        }
    }
}
