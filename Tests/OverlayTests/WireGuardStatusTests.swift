@testable import Overlay
import Testing
import Topology

/// `status` rendering and the kernel path's endpoint encoding (pure parts).
@Suite("WireGuard status and sockaddr")
struct WireGuardStatusTests {
    @Test func statusNamesPeersAndShowsHandshakeAgeAndTransfer() {
        let keys = KeyPair.generate()
        let peerKey = KeyPair.generate().publicKey
        let peer = WireGuardPeerState(
            configuration: WireGuardPeerConfiguration(
                publicKey: peerKey, endpoint: SocketAddress(host: IPAddress("192.168.77.2")!, port: 51820),
                allowedIPs: [CIDR(address: IPAddress("10.77.1.2")!, prefixLength: 32)], persistentKeepalive: 25),
            lastHandshake: 1000, receivedBytes: 968, transmittedBytes: 1184)
        let status = OverlayStatus(interface: "wg-meridian", path: .userspace(pid: 42, socket: "/var/run/wireguard/wg-meridian.sock"),
                                   isUp: true, addresses: [InterfaceAddress(address: IPAddress("10.77.1.1")!, prefixLength: 16)],
                                   device: WireGuardDeviceState(privateKey: keys.secretKey, listenPort: 51820, peers: [peer]))
        let text = status.render(peerNames: [peerKey: "b"], now: 1012.7)
        #expect(text.contains("interface: wg-meridian (up)"))
        #expect(text.contains("path: userspace wireguard-go pid 42 (UAPI /var/run/wireguard/wg-meridian.sock)"))
        #expect(text.contains("public key: \(keys.publicKey)"))
        #expect(text.contains("listening port: 51820"))
        #expect(text.contains("addresses: 10.77.1.1/16"))
        #expect(text.contains("peer: b \(peerKey)"))
        #expect(text.contains("endpoint: 192.168.77.2:51820"))
        #expect(text.contains("latest handshake: 12 s ago"))
        #expect(text.contains("transfer: 968 B received, 1184 B sent"))
        #expect(status.render(peerNames: [:], now: 1012).contains("peer: ? \(peerKey)"))
    }

    @Test(arguments: [(nil, 0.0, "never"), (100.0, 100.0, "0 s ago"), (100.0, 50.0, "0 s ago"),
                      (0.0, 119.9, "119 s ago"), (0.0, 125.0, "2 min 5 s ago"), (0.0, 7300.0, "2 h 1 min ago")])
    func handshakeAgeIsReadable(_ handshake: Double?, _ now: Double, _ expected: String) {
        #expect(OverlayStatus.age(of: handshake, now: now) == expected)
    }

    @Test func sockaddrRoundTripsIPv4AndIPv6() {
        let v4 = SocketAddress(host: IPAddress("192.168.77.2")!, port: 51820)
        let v6 = SocketAddress(host: IPAddress("2001:db8::2")!, port: 443)
        #expect(Sockaddr.encode(v4).count == 16)
        #expect(Sockaddr.encode(v6).count == 28)
        #expect(Array(Sockaddr.encode(v4)[2...7]) == [0xca, 0x6c, 192, 168, 77, 2])
        #expect(Sockaddr.decode(Sockaddr.encode(v4)) == v4)
        #expect(Sockaddr.decode(Sockaddr.encode(v6)) == v6)
        #expect(Sockaddr.decode([1, 0]) == nil)
        #expect(Sockaddr.decode([0, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }
}
