import Foundation
@testable import Overlay
import Testing
import Topology

/// `OverlayPlan.changes`: table tests of the diff between what a device
/// reports and what the topology wants.
@Suite("WireGuard overlay plan")
struct WireGuardPlanTests {
    static let fixture = WireGuardMeshFixture(ids: ["a", "b", "c"])
    static let desired = try! OverlayDesiredState(topology: fixture.topology, bridgeID: "a",
                                                  keys: fixture.node("a").keys, keyPath: "a.key", interfaceName: "wg-test")

    /// The observed state that equals `desired` exactly.
    static var matching: ObservedOverlay {
        ObservedOverlay(linkExists: true, isUp: true, addresses: [desired.address],
                        device: WireGuardDeviceState(privateKey: desired.privateKey, listenPort: desired.listenPort,
                                                     peers: desired.peers.map { WireGuardPeerState(configuration: $0.configuration) }))
    }

    static func peer(_ id: String) -> WireGuardPeerConfiguration {
        desired.peers.first { $0.bridgeID == id }!.configuration
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var observed: ObservedOverlay
        var expected: [OverlayChange]
        var testDescription: String { name }
    }

    static let otherKey = KeyPair.generate().publicKey
    static let endpointMoved = SocketAddress(host: IPAddress("192.168.77.2")!, port: 51999)

    static let cases: [Case] = {
        var cases: [Case] = []
        let b = peer("b"), c = peer("c")

        cases.append(Case(name: "no interface: create and configure everything", observed: .absent, expected: [
            .createInterface("wg-test"),
            .setPrivateKey(publicKey: desired.publicKey),
            .setListenPort(from: 0, to: 51820),
            .addPeer(bridgeID: "b", b), .addPeer(bridgeID: "c", c),
            .addAddress(desired.address), .setLinkUp,
        ]))
        cases.append(Case(name: "matching interface: nothing to do", observed: matching, expected: []))

        var down = matching
        down.isUp = false
        cases.append(Case(name: "link down: only bring it up", observed: down, expected: [.setLinkUp]))

        var fresh = matching
        fresh.device = WireGuardDeviceState(privateKey: nil, listenPort: 38_211, peers: [])
        fresh.addresses = []
        fresh.isUp = false
        cases.append(Case(name: "fresh wireguard-go device: key, port, peers, address, up", observed: fresh, expected: [
            .setPrivateKey(publicKey: desired.publicKey), .setListenPort(from: 38_211, to: 51820),
            .addPeer(bridgeID: "b", b), .addPeer(bridgeID: "c", c), .addAddress(desired.address), .setLinkUp,
        ]))

        var moved = matching
        var movedB = b
        movedB.endpoint = endpointMoved
        moved.device.peers[0].configuration = movedB
        cases.append(Case(name: "a peer's endpoint differs: update only that peer", observed: moved,
                          expected: [.updatePeer(bridgeID: "b", from: movedB, to: b)]))

        var keepalive = matching
        var quietC = c
        quietC.persistentKeepalive = 0
        keepalive.device.peers[1].configuration = quietC
        cases.append(Case(name: "a peer's keepalive differs: update only that peer", observed: keepalive,
                          expected: [.updatePeer(bridgeID: "c", from: quietC, to: c)]))

        var extraIP = matching
        let wideB = WireGuardPeerConfiguration(publicKey: b.publicKey, endpoint: b.endpoint,
                                               allowedIPs: b.allowedIPs + [CIDR(address: IPAddress("10.99.0.0")!, prefixLength: 24)],
                                               persistentKeepalive: b.persistentKeepalive)
        extraIP.device.peers[0].configuration = wideB
        cases.append(Case(name: "a peer has extra allowed IPs: update it", observed: extraIP,
                          expected: [.updatePeer(bridgeID: "b", from: wideB, to: b)]))

        var stranger = matching
        let strangerPeer = WireGuardPeerConfiguration(publicKey: otherKey, endpoint: nil, allowedIPs: [], persistentKeepalive: 0)
        stranger.device.peers.append(WireGuardPeerState(configuration: strangerPeer))
        cases.append(Case(name: "a peer not in the topology: remove it", observed: stranger,
                          expected: [.removePeer(bridgeID: nil, otherKey)]))

        var missingC = matching
        missingC.device.peers.removeLast()
        cases.append(Case(name: "a bridge without a peer: add only it", observed: missingC,
                          expected: [.addPeer(bridgeID: "c", c)]))

        var reordered = matching
        reordered.device.peers.reverse()
        cases.append(Case(name: "peers reported in another order: nothing to do", observed: reordered, expected: []))

        var counters = matching
        counters.device.peers[0].lastHandshake = 1_700_000_000
        counters.device.peers[0].receivedBytes = 4242
        cases.append(Case(name: "handshakes and counters are not configuration", observed: counters, expected: []))

        var port = matching
        port.device.listenPort = 51821
        cases.append(Case(name: "listen port differs: set it", observed: port,
                          expected: [.setListenPort(from: 51821, to: 51820)]))

        var key = matching
        key.device.privateKey = KeyPair.generate().secretKey
        cases.append(Case(name: "private key differs: set it", observed: key,
                          expected: [.setPrivateKey(publicKey: desired.publicKey)]))

        var wrongPrefix = matching
        let slash32 = InterfaceAddress(address: desired.address.address, prefixLength: 32)
        wrongPrefix.addresses = [slash32]
        cases.append(Case(name: "same IP with the wrong prefix: replace it", observed: wrongPrefix,
                          expected: [.removeAddress(slash32), .addAddress(desired.address)]))

        var linkLocal = matching
        linkLocal.addresses.append(InterfaceAddress(address: IPAddress("fe80::1")!, prefixLength: 64))
        cases.append(Case(name: "an IPv6 link-local address is left alone", observed: linkLocal, expected: []))

        var stray = matching
        let strayAddress = InterfaceAddress(address: IPAddress("10.77.9.9")!, prefixLength: 16)
        stray.addresses.append(strayAddress)
        cases.append(Case(name: "an address Meridian did not put there is removed", observed: stray,
                          expected: [.removeAddress(strayAddress)]))
        return cases
    }()

    @Test("plan", arguments: cases)
    func planTurnsObservedIntoDesired(_ testCase: Case) {
        #expect(OverlayPlan.changes(from: testCase.observed, to: Self.desired) == testCase.expected)
    }

    @Test func deviceUpdateBatchesKeyPortAndPeersButNotLinkChanges() {
        let changes = OverlayPlan.changes(from: .absent, to: Self.desired)
        let update = OverlayPlan.deviceUpdate(for: changes, desired: Self.desired)
        #expect(update.privateKey == Self.desired.privateKey)
        #expect(update.listenPort == 51820)
        #expect(update.peers == [.upsert(Self.peer("b")), .upsert(Self.peer("c"))])
        #expect(OverlayPlan.deviceUpdate(for: [.setLinkUp, .addAddress(Self.desired.address)], desired: Self.desired).isEmpty)
    }

    @Test func changeDescriptionsNameTheBridgeAndWhatChanged() {
        let b = Self.peer("b")
        var moved = b
        moved.endpoint = Self.endpointMoved
        #expect(OverlayChange.updatePeer(bridgeID: "b", from: b, to: moved).description
                == "update peer b: endpoint 192.168.77.2:51820 → 192.168.77.2:51999")
        #expect(OverlayChange.setListenPort(from: 51820, to: 51821).description == "set listen port 51821 (was 51820)")
        #expect(OverlayChange.removePeer(bridgeID: nil, Self.otherKey).description
                == "remove peer \(Self.otherKey) (no longer in the topology)")
        #expect(OverlayChange.addAddress(Self.desired.address).description == "add address 10.77.1.1/16")
    }
}
