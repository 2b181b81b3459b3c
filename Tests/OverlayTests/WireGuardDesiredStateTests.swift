@testable import Overlay
import Testing
import Topology

/// `OverlayDesiredState`: what `up` derives from the topology, the id and
/// the key file, and every way those can disagree.
@Suite("WireGuard desired state")
struct WireGuardDesiredStateTests {
    let fixture = WireGuardMeshFixture(ids: ["a", "b", "c"])

    func desired(_ id: String = "a", topology: Topology? = nil, keys: BridgeKeyFile? = nil,
                 interface: String = "wg-meridian") throws(OverlayError) -> OverlayDesiredState {
        try OverlayDesiredState(topology: topology ?? fixture.topology, bridgeID: id,
                                keys: keys ?? fixture.node(id).keys, keyPath: "/etc/meridian/\(id).key",
                                interfaceName: interface)
    }

    @Test func addressCarriesTheOverlayNetworksPrefixSoTheRouteCoversTheOverlay() throws {
        let state = try desired("b")
        #expect(state.address == InterfaceAddress(address: IPAddress("10.77.1.2")!, prefixLength: 16))
    }

    @Test func everyOtherBridgeIsAPeerWithItsOverlaySlash32AndAKeepalive() throws {
        let state = try desired("b")
        #expect(state.peers.map(\.bridgeID) == ["a", "c"])
        let a = state.peers[0].configuration
        #expect(a.publicKey == fixture.node("a").keys.wireguard.publicKey)
        #expect(a.endpoint == fixture.node("a").endpoint)
        #expect(a.allowedIPs == [CIDR(address: IPAddress("10.77.1.1")!, prefixLength: 32)])
        #expect(a.persistentKeepalive == 25)
        #expect(state.peerNames[a.publicKey] == "a")
    }

    /// wireguard-go and the kernel report the private key clamped; an
    /// unclamped desired key would make every `up` "change" it.
    @Test func privateKeyIsClampedAsDevicesReportItWithTheSamePublicKey() throws {
        let state = try desired("a")
        let clamped = state.privateKey
        #expect(clamped[0] & 7 == 0)
        #expect(clamped[31] & 0xc0 == 0x40)
        #expect(KeyPair(secretKey: clamped)?.publicKey == fixture.node("a").keys.wireguard.publicKey)
        #expect(WireGuardKey.clamped(clamped) == clamped)
        #expect(WireGuardKey.clamped([UInt8](repeating: 0xff, count: 32)) == [0xf8] + [UInt8](repeating: 0xff, count: 30) + [0x7f])
    }

    @Test func ipv6OverlayAddressesGetSlash128Peers() throws {
        var topology = fixture.topology
        topology.overlay.network = CIDR(address: IPAddress("fd77::")!, prefixLength: 64)
        for index in topology.bridges.indices {
            topology.bridges[index].overlay = SocketAddress(host: IPAddress("fd77::\(index + 1)")!, port: 4096)
        }
        let state = try desired("a", topology: topology)
        #expect(state.address.description == "fd77::1/64")
        #expect(state.peers[0].configuration.allowedIPs.map(\.description) == ["fd77::2/128"])
    }

    @Test func listenPortIsThePortOfThisBridgesOwnEndpoint() throws {
        var topology = fixture.topology
        topology.bridges[0].wireguard?.endpoint.port = 51900
        #expect(try desired("a", topology: topology).listenPort == 51900)
        #expect(try desired("b", topology: topology).listenPort == 51820)
        #expect(try desired("b", topology: topology).peers[0].configuration.endpoint?.port == 51900)
    }

    @Test func anIdNotInTheTopologyIsRefusedWithTheKnownIds() {
        #expect(throws: OverlayError.bridgeNotInTopology(id: "zz", known: ["a", "b", "c"])) {
            try desired("zz", keys: fixture.node("a").keys)
        }
        #expect(OverlayError.bridgeNotInTopology(id: "zz", known: ["a", "b"]).description
                == "bridge 'zz' is not in the topology (its bridges are: a, b); check --id and --topology")
    }

    @Test func aLoopbackTopologyIsRefused() {
        var topology = fixture.topology
        topology.overlay = OverlaySettings(mode: .loopback)
        #expect(throws: OverlayError.notWireGuardMode(.loopback)) { try desired(topology: topology) }
    }

    @Test func aKeyFileOfAnotherBridgeIsRefused() {
        #expect(throws: OverlayError.keyFileForAnotherBridge(path: "/etc/meridian/a.key", fileID: "b", id: "a")) {
            try desired("a", keys: fixture.node("b").keys)
        }
    }

    @Test func aKeyWhosePublicHalfIsNotTheTopologysIsRefusedWithBothKeys() {
        let stranger = BridgeKeyFile.generate(id: "a")
        #expect(throws: OverlayError.keyMismatch(path: "/etc/meridian/a.key", id: "a",
                                                 fileKey: stranger.wireguard.publicKey,
                                                 topologyKey: fixture.node("a").keys.wireguard.publicKey)) {
            try desired("a", keys: stranger)
        }
    }

    @Test(arguments: ["", "much-too-long-name", "wg/0", "wg 0", "wg:0", "..", "wgé"])
    func unusableInterfaceNamesAreRefused(_ name: String) {
        #expect(throws: OverlayError.self) { try desired(interface: name) }
    }

    @Test func fifteenByteInterfaceNamesAreAccepted() throws {
        #expect(try desired(interface: "wg-meridian-abc").interfaceName == "wg-meridian-abc")
    }
}
