@testable import Overlay
import Testing
import Topology

/// The UAPI text protocol (wireguard.com/xplatform, "Configuration
/// Protocol"): encoding of set requests and decoding of get replies.
@Suite("WireGuard UAPI messages")
struct WireGuardUAPIMessageTests {
    // Keys of the xplatform document's example are not reused; these are
    // arbitrary 32-byte values written out in hex and base64.
    static let privateHex = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a"
    static let peerHex = "b85996fecc9c7f1fc6d2572a76eda11d59bcd20be8e543b15ce4bd85a8e75a33"
    static let peerKey = PublicKey(bytes: Hex.decode(peerHex)!)!

    @Test func hexRoundTripsAndRejectsOddLengthsAndNonHex() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa0, 0xff]
        #expect(Hex.encode(bytes) == "000fa0ff")
        #expect(Hex.decode("000FA0ff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test func setRequestNamesOnlyWhatChangesAndNeverReplacesAllPeers() {
        let removed = KeyPair.generate().publicKey
        let peer = WireGuardPeerConfiguration(
            publicKey: Self.peerKey, endpoint: SocketAddress(host: IPAddress("192.168.77.2")!, port: 51820),
            allowedIPs: [CIDR(address: IPAddress("10.77.1.2")!, prefixLength: 32)], persistentKeepalive: 25)
        let update = WireGuardDeviceUpdate(privateKey: Hex.decode(Self.privateHex), listenPort: 51820,
                                           peers: [.remove(removed), .upsert(peer)])
        #expect(UAPIMessage.setRequest(update) == """
            set=1
            private_key=\(Self.privateHex)
            listen_port=51820
            public_key=\(Hex.encode(removed.bytes))
            remove=true
            public_key=\(Self.peerHex)
            endpoint=192.168.77.2:51820
            persistent_keepalive_interval=25
            replace_allowed_ips=true
            allowed_ip=10.77.1.2/32


            """)
        #expect(!UAPIMessage.setRequest(update).contains("replace_peers"))
    }

    @Test func setRequestWritesIPv6EndpointsInBrackets() {
        let peer = WireGuardPeerConfiguration(
            publicKey: Self.peerKey, endpoint: SocketAddress(host: IPAddress("2001:db8::2")!, port: 51820),
            allowedIPs: [CIDR(address: IPAddress("fd77::2")!, prefixLength: 128)], persistentKeepalive: 0)
        let text = UAPIMessage.setRequest(WireGuardDeviceUpdate(peers: [.upsert(peer)]))
        #expect(text.contains("\nendpoint=[2001:db8::2]:51820\n"))
        #expect(text.contains("\nallowed_ip=fd77::2/128\n"))
        #expect(text.hasPrefix("set=1\npublic_key="))
    }

    @Test func getReplyDecodesDeviceAndPeersWithCounters() throws {
        let reply = """
            private_key=\(Self.privateHex)
            listen_port=51820
            fwmark=0
            public_key=\(Self.peerHex)
            preshared_key=0000000000000000000000000000000000000000000000000000000000000000
            protocol_version=1
            endpoint=192.168.77.2:51820
            last_handshake_time_sec=1700000000
            last_handshake_time_nsec=500000000
            tx_bytes=1184
            rx_bytes=968
            persistent_keepalive_interval=25
            allowed_ip=10.77.1.2/32
            allowed_ip=10.99.0.0/24
            errno=0


            """
        let device = try UAPIMessage.device(from: reply)
        #expect(device.privateKey == Hex.decode(Self.privateHex))
        #expect(device.listenPort == 51820)
        #expect(device.peers.count == 1)
        let peer = try #require(device.peers.first)
        #expect(peer.configuration.publicKey == Self.peerKey)
        #expect(peer.configuration.endpoint?.description == "192.168.77.2:51820")
        #expect(peer.configuration.allowedIPs.map(\.description) == ["10.77.1.2/32", "10.99.0.0/24"])
        #expect(peer.configuration.persistentKeepalive == 25)
        #expect(peer.lastHandshake == 1_700_000_000.5)
        #expect(peer.receivedBytes == 968)
        #expect(peer.transmittedBytes == 1184)
    }

    @Test func getReplyOfAFreshDeviceHasNoKeyAndNoHandshakes() throws {
        let device = try UAPIMessage.device(from: "listen_port=38211\nerrno=0\n\n")
        #expect(device == WireGuardDeviceState(privateKey: nil, listenPort: 38211, peers: []))
        let zeroKey = "private_key=" + String(repeating: "0", count: 64) + "\npublic_key=\(Self.peerHex)\nlast_handshake_time_sec=0\nerrno=0\n\n"
        let zeroed = try UAPIMessage.device(from: zeroKey)
        #expect(zeroed.privateKey == nil)
        #expect(zeroed.peers.first?.lastHandshake == nil)
    }

    @Test func unknownKeysAreSkipped() throws {
        let device = try UAPIMessage.device(from: "listen_port=1\nsome_future_key=x\npublic_key=\(Self.peerHex)\nfuture_peer_key=y\nerrno=0\n\n")
        #expect(device.listenPort == 1)
        #expect(device.peers.count == 1)
    }

    @Test(arguments: [
        ("listen_port=51820\n\n", "no errno= line"),
        ("listen_port=port\nerrno=0\n\n", "listen_port is not a number"),
        ("private_key=abcd\nerrno=0\n\n", "private_key is not 64 hex digits"),
        ("public_key=\(peerHex)\nallowed_ip=10.77.1.2\nerrno=0\n\n", "allowed_ip is not an address prefix"),
        ("garbage\nerrno=0\n\n", "expected key=value"),
        ("errno=22\n\n", "device reported errno=22"),
    ])
    func malformedGetRepliesAreErrorsNotCrashes(_ reply: String, _ reason: String) {
        #expect {
            _ = try UAPIMessage.device(from: reply)
        } throws: { error in
            (error as? UAPIMessage.Malformed)?.reason.contains(reason) == true
        }
    }

    @Test func errnoOfASetReplyIsItsMagnitude() throws {
        #expect(try UAPIMessage.errno(of: "errno=0\n\n") == 0)
        #expect(try UAPIMessage.errno(of: "errno=98\n\n") == 98)
        #expect(try UAPIMessage.errno(of: "errno=-98\n\n") == 98)
        #expect(throws: UAPIMessage.Malformed.self) { try UAPIMessage.errno(of: "") }
        #expect(throws: UAPIMessage.Malformed.self) { try UAPIMessage.errno(of: "errno=x\n\n") }
    }
}
