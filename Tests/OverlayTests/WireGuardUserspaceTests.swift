import Foundation
import Glibc
@testable import Overlay
import Testing
import Topology

/// The userspace path against a real wireguard-go in a throwaway namespace:
/// our UAPI requests are what wireguard-go accepts, our decoding reads what
/// it says, and wireguard-tools (`wg`) sees the same configuration.
@Suite("WireGuard userspace path", .serialized)
struct WireGuardUserspaceTests {
    final class Handle<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    @Test func uapiConfiguresAndReadsBackARealWireGuardGo() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip, .wireguardGo, .wg])
        try NetnsLab.with { lab in
            let namespace = try lab.addNamespace("ug")
            let name = lab.interface("u")
            try NetnsLab.inside(namespace) { try WireGuardGoProcess.start(interface: name) }
            try UAPIConnection(interface: name).probe()
            // The daemon is found from inside its namespace, not from outside.
            #expect(WireGuardGoProcess.daemon(serving: name) == nil)
            let pid = try #require(try NetnsLab.inside(namespace) { WireGuardGoProcess.daemon(serving: name) })
            #expect(WireGuardGoProcess.isRunning(pid: pid))
            let backend = UserspaceWireGuard(interface: name, pid: pid)

            let fresh = try backend.readDevice()
            #expect(fresh.privateKey == nil)
            #expect(fresh.peers.isEmpty)

            let own = KeyPair.generate()
            let b = WireGuardPeerConfiguration(
                publicKey: KeyPair.generate().publicKey, endpoint: SocketAddress(host: IPAddress("192.168.77.2")!, port: 51820),
                allowedIPs: [CIDR(address: IPAddress("10.77.1.2")!, prefixLength: 32)], persistentKeepalive: 25)
            let c = WireGuardPeerConfiguration(
                publicKey: KeyPair.generate().publicKey, endpoint: SocketAddress(host: IPAddress("2001:db8::3")!, port: 51821),
                allowedIPs: [CIDR(address: IPAddress("fd77::3")!, prefixLength: 128),
                             CIDR(address: IPAddress("10.77.1.3")!, prefixLength: 32)], persistentKeepalive: 0)
            try backend.apply(WireGuardDeviceUpdate(privateKey: own.secretKey, listenPort: 51820, peers: [.upsert(b), .upsert(c)]))
            let configured = try backend.readDevice()
            // Devices report the key clamped (RFC 7748); that is what `up` compares.
            #expect(configured.privateKey == WireGuardKey.clamped(own.secretKey))
            #expect(configured.publicKey == own.publicKey)
            #expect(configured.listenPort == 51820)
            // wireguard-go lists peers in no fixed order (it keeps them in a map).
            let byKey: (WireGuardPeerConfiguration, WireGuardPeerConfiguration) -> Bool = {
                $0.publicKey.base64 < $1.publicKey.base64
            }
            let readBack = configured.peers.map(\.configuration).sorted(by: byKey)
            let expected = [b, c].sorted(by: byKey)
            #expect(readBack == expected)

            // wireguard-tools reads the same device through the same socket.
            let dump = try lab.check(["wg", "show", name, "dump"], in: namespace).stdout.split(separator: "\n")
            #expect(dump.first?.split(separator: "\t").prefix(3).map(String.init)
                    == [Base64.encode(WireGuardKey.clamped(own.secretKey)), own.publicKey.base64, "51820"])
            #expect(dump.dropFirst().contains { $0.hasPrefix("\(c.publicKey)\t(none)\t[2001:db8::3]:51821\t") })

            var moved = b
            moved.endpoint = SocketAddress(host: IPAddress("192.168.77.2")!, port: 51999)
            try backend.apply(WireGuardDeviceUpdate(peers: [.upsert(moved), .remove(c.publicKey)]))
            #expect(try backend.readDevice().peers.map(\.configuration) == [moved])

            // A listen port something else holds is reported as such.
            let holder = try NetnsLab.inside(namespace) {
                Handle(try NetnsUDPSocket(binding: SocketAddress(host: IPAddress("0.0.0.0")!, port: 51830)))
            }
            #expect(throws: OverlayError.listenPortInUse(51830)) {
                try backend.apply(WireGuardDeviceUpdate(listenPort: 51830))
            }
            withExtendedLifetime(holder) {}

            // Deleting the interface makes wireguard-go exit and remove its socket.
            let route = try NetnsLab.inside(namespace) { Handle(try RouteNetlink()) }.value
            let link = try #require(try route.link(named: name))
            #expect(link.kind == "tun")
            try route.deleteLink(index: link.index, name: name)
            #expect(WireGuardGoProcess.waitForExit(pid: pid, timeout: 5), "wireguard-go outlived its interface")
            #expect(throws: UAPIConnection.Failure.notListening) { try UAPIConnection(interface: name).probe() }
        }
    }
}
