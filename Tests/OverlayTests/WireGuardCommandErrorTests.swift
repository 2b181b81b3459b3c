import Foundation
import Glibc
import Overlay
import Testing
import Topology

/// `meridian overlay` refusing what it cannot do, through the real binary,
/// with the message an operator sees and nothing left behind.
@Suite("WireGuard overlay command errors", .serialized)
struct WireGuardCommandErrorTests {
    let fixture = WireGuardMeshFixture(ids: ["a", "b", "c"])

    /// Runs `meridian ARGS` outside any namespace (checks that fail before
    /// touching the network need neither root nor `ip`).
    func meridian(_ arguments: [String]) throws -> NetnsLab.Output {
        try NetnsLab.with { lab in try lab.run([NetnsOverlayMesh.binary] + arguments) }
    }

    func withFiles<T>(keys: Bool = true, _ body: (String, URL) throws -> T) throws -> T {
        let directory = try makeTemporaryDirectory("overlay-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(try fixture.write(to: directory, keys: keys), directory)
    }

    @Test func upRefusesAnIdThatIsNotInTheTopology() throws {
        try withFiles { topology, _ in
            let output = try meridian(["overlay", "up", "--topology", topology, "--id", "zz"])
            #expect(output.status == 1)
            #expect(output.stderr == "error: bridge 'zz' is not in the topology (its bridges are: a, b, c); check --id and --topology\n")
        }
    }

    @Test func upRefusesALoopbackTopology() throws {
        let local = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("topology/local.yaml").path
        let output = try meridian(["overlay", "up", "--topology", local, "--id", "any"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error: the topology's overlay mode is 'loopback'"), "\(output)")
    }

    @Test func upRefusesAMissingKeyFileAndNamesIt() throws {
        try withFiles(keys: false) { topology, directory in
            let output = try meridian(["overlay", "up", "--topology", topology, "--id", "a"])
            #expect(output.status == 1)
            #expect(output.stderr.contains(directory.appendingPathComponent("a.key").path), "\(output)")
            #expect(output.stderr.contains("pass the bridge's key file with --key"))
        }
    }

    @Test func upRefusesAKeyFileWhosePublicKeyIsNotInTheTopology() throws {
        try withFiles { topology, directory in
            let stray = directory.appendingPathComponent("stray.key").path
            try BridgeKeyFile.generate(id: "a").write(to: stray)
            let output = try meridian(["overlay", "up", "--topology", topology, "--id", "a", "--key", stray])
            #expect(output.status == 1)
            #expect(output.stderr.contains("error: the WireGuard private key in \(stray) has public key"), "\(output)")
            #expect(output.stderr.contains("public-key \(fixture.node("a").keys.wireguard.publicKey)"))
        }
    }

    @Test func upRefusesAnInvalidInterfaceName() throws {
        try withFiles { topology, _ in
            let output = try meridian(["overlay", "up", "--topology", topology, "--id", "a", "--interface", "a-name-far-too-long"])
            #expect(output.status == 1)
            #expect(output.stderr.contains("is not a usable interface name: it must be 1 to 15 bytes long"), "\(output)")
        }
    }

    @Test func upWithoutWireGuardGoOnPathSaysSoAndLeavesNothing() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip])
        if GenericNetlinkProbe.kernelHasWireGuard {
            print("skipped: the kernel has WireGuard, so wireguard-go is never needed")
            try Test.cancel("kernel WireGuard present")
        }
        try NetnsLab.with { lab in
            let mesh = try NetnsOverlayMesh.build(in: lab, ids: ["a", "b"])
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            let output = try mesh.meridian(["overlay", "up", "--topology", mesh.topologyPath, "--id", "a",
                                            "--interface", mesh.interface("a")],
                                           on: "a", environment: ["PATH": "/nonexistent"])
            #expect(output.status == 1)
            #expect(output.stderr.contains("error: this kernel has no WireGuard module and wireguard-go is not on PATH (/nonexistent)"),
                    "\(output)")
            #expect(try lab.run(["ip", "link", "show", mesh.interface("a")], in: mesh.namespace("a")).status != 0)
        }
    }

    @Test func upRefusesAnOverlayAddressHeldByAnotherInterface() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip])
        try NetnsLab.with { lab in
            let mesh = try NetnsOverlayMesh.build(in: lab, ids: ["a", "b"])
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            try lab.check(["ip", "addr", "add", "10.77.1.1/32", "dev", "lo"], in: mesh.namespace("a"))
            let output = try mesh.up("a")
            #expect(output.status == 1)
            #expect(output.stderr.contains("error: overlay address 10.77.1.1 is already assigned to interface lo"), "\(output)")
            #expect(try lab.run(["ip", "link", "show", mesh.interface("a")], in: mesh.namespace("a")).status != 0)
        }
    }

    @Test func upAsAnUnprivilegedUserSaysRunAsRoot() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip])
        guard let setpriv = NetnsLab.executable("setpriv") else {
            print("skipped: setpriv (util-linux) is not installed")
            try Test.cancel("no setpriv")
        }
        guard access(NetnsOverlayMesh.binary, X_OK) == 0, Self.worldExecutable(NetnsOverlayMesh.binary) else {
            print("skipped: \(NetnsOverlayMesh.binary) is not reachable by an unprivileged user")
            try Test.cancel("binary not reachable by nobody")
        }
        try NetnsLab.with { lab in
            let mesh = try NetnsOverlayMesh.build(in: lab, ids: ["a", "b"])
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            chmod(mesh.directory.path, 0o755)
            chmod(mesh.topologyPath, 0o644)
            chmod(mesh.directory.appendingPathComponent("a.key").path, 0o644)
            let output = try lab.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                      NetnsOverlayMesh.binary, "overlay", "up", "--topology", mesh.topologyPath,
                                      "--id", "a", "--interface", mesh.interface("a")], in: mesh.namespace("a"))
            #expect(output.status == 1)
            #expect(output.stderr.contains("permission denied; run as root"), "\(output)")
        }
    }

    @Test func statusOfAMissingInterfaceExitsOneAndDownIsANoOp() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip])
        try NetnsLab.with { lab in
            let namespace = try lab.addNamespace("st")
            let status = try lab.run([NetnsOverlayMesh.binary, "overlay", "status", "--interface", "wm-missing"], in: namespace)
            #expect(status.status == 1)
            #expect(status.stderr.contains("no interface wm-missing in this network namespace"), "\(status)")
            let down = try lab.run([NetnsOverlayMesh.binary, "overlay", "down", "--interface", "wm-missing"], in: namespace)
            #expect(down.status == 0)
            #expect(down.stdout == "wm-missing: no such interface; nothing to do\n")
        }
    }

    @Test func downRefusesToRemoveAnInterfaceThatIsNotWireGuard() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip])
        try NetnsLab.with { lab in
            let namespace = try lab.addNamespace("nw")
            let output = try lab.run([NetnsOverlayMesh.binary, "overlay", "down", "--interface", "lo"], in: namespace)
            #expect(output.status == 1)
            #expect(output.stderr.contains("error: interface lo exists but is not a WireGuard interface"), "\(output)")
            #expect(try lab.run(["ip", "link", "show", "lo"], in: namespace).status == 0)
        }
    }

    /// Every directory on the way and the file itself are usable by "other".
    static func worldExecutable(_ path: String) -> Bool {
        var url = URL(fileURLWithPath: path)
        while url.path != "/" {
            var info = stat()
            guard stat(url.path, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            url.deleteLastPathComponent()
        }
        return true
    }
}

/// Whether this kernel can create WireGuard links (asked the way `up` asks:
/// by trying, in a throwaway namespace).
enum GenericNetlinkProbe {
    static var kernelHasWireGuard: Bool {
        (try? NetnsLab.with { lab in
            try lab.run(["ip", "link", "add", "wgprobe0", "type", "wireguard"], in: lab.addNamespace("pr")).status == 0
        }) ?? false
    }
}
