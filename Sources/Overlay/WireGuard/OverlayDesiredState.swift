import Topology

/// What this bridge's WireGuard interface should look like according to the
/// topology: the input of `meridian overlay up`.
///
/// - Address: the bridge's overlay IP with the overlay network's prefix
///   length (`10.77.1.1/16`), so the kernel routes the whole overlay network
///   through the interface; without a network, /32 (/128).
/// - Listen port: the port of this bridge's own `wireguard.endpoint`, because
///   that is where every other bridge sends to. `overlay.wireguard-port` is
///   the common default operators write into those endpoints; when a bridge's
///   endpoint says otherwise, the endpoint wins (else that bridge would be
///   unreachable). Endpoints behind a port-rewriting NAT are not supported.
/// - Peers: every other bridge, with allowed-ips = its overlay /32 (/128) and a
///   persistent keepalive so that NAT mappings and handshakes stay fresh.
public struct OverlayDesiredState: Equatable, Sendable {
    public static let defaultInterfaceName = "wg-meridian"
    /// Seconds; the value `wg-quick` users pick for NAT traversal.
    public static let persistentKeepalive: UInt16 = 25

    public struct Peer: Equatable, Sendable {
        public var bridgeID: String
        public var configuration: WireGuardPeerConfiguration
    }

    public var interfaceName: String
    public var bridgeID: String
    public var address: InterfaceAddress
    /// Clamped (see `WireGuardKey`), as devices report it.
    public var privateKey: [UInt8]
    public var publicKey: PublicKey
    public var listenPort: UInt16
    /// In topology order.
    public var peers: [Peer]

    /// Checks the topology, the id and the key file against each other.
    /// `keyPath` only appears in messages.
    public init(topology: Topology, bridgeID: String, keys: BridgeKeyFile, keyPath: String,
                interfaceName: String = OverlayDesiredState.defaultInterfaceName) throws(OverlayError) {
        try Self.validate(interfaceName: interfaceName)
        let bridge = try Self.bridge(bridgeID, in: topology)
        guard let wireguard = bridge.wireguard else { throw .bridgeWithoutWireGuard(id: bridgeID) }
        guard keys.id == bridgeID else {
            throw .keyFileForAnotherBridge(path: keyPath, fileID: keys.id, id: bridgeID)
        }
        guard keys.wireguard.publicKey == wireguard.publicKey else {
            throw .keyMismatch(path: keyPath, id: bridgeID, fileKey: keys.wireguard.publicKey,
                               topologyKey: wireguard.publicKey)
        }
        var peers: [Peer] = []
        for other in topology.bridges where other.id != bridgeID {
            guard let peer = other.wireguard else { throw .bridgeWithoutWireGuard(id: other.id) }
            let configuration = WireGuardPeerConfiguration(
                publicKey: peer.publicKey, endpoint: peer.endpoint,
                allowedIPs: [Self.hostPrefix(other.overlay.host)],
                persistentKeepalive: Self.persistentKeepalive)
            peers.append(Peer(bridgeID: other.id, configuration: configuration))
        }
        let host = bridge.overlay.host
        let prefixLength = topology.overlay.network.map(\.prefixLength) ?? host.bytes.count * 8
        self.interfaceName = interfaceName
        self.bridgeID = bridgeID
        self.address = InterfaceAddress(address: host, prefixLength: prefixLength)
        self.privateKey = WireGuardKey.clamped(keys.wireguard.secretKey)
        self.publicKey = keys.wireguard.publicKey
        self.listenPort = wireguard.endpoint.port
        self.peers = peers
    }

    /// This bridge, if the topology is in WireGuard mode and names it with a
    /// wireguard block; checked before the key file is even read, so that a
    /// wrong `--id` is reported as such and not as a missing `ID.key`.
    public static func bridge(_ id: String, in topology: Topology) throws(OverlayError) -> Bridge {
        guard topology.overlay.mode == .wireguard else { throw .notWireGuardMode(topology.overlay.mode) }
        guard let bridge = topology.bridge(id: id) else {
            throw .bridgeNotInTopology(id: id, known: topology.bridges.map(\.id))
        }
        guard bridge.wireguard != nil else { throw .bridgeWithoutWireGuard(id: id) }
        return bridge
    }

    /// Bridge ids by WireGuard public key, to name peers in `status` output.
    public var peerNames: [PublicKey: String] {
        Dictionary(peers.map { ($0.configuration.publicKey, $0.bridgeID) }, uniquingKeysWith: { first, _ in first })
    }

    static func hostPrefix(_ address: IPAddress) -> CIDR {
        CIDR(address: address, prefixLength: address.bytes.count * 8)
    }

    /// Linux interface names: 1…15 bytes (IFNAMSIZ − 1), no '/', ':' or
    /// whitespace. The name is also the UAPI socket's file name.
    public static func validate(interfaceName name: String) throws(OverlayError) {
        let bytes = Array(name.utf8)
        if bytes.isEmpty || bytes.count > 15 {
            throw .invalidInterfaceName(name, reason: "it must be 1 to 15 bytes long")
        }
        if name == "." || name == ".." {
            throw .invalidInterfaceName(name, reason: "'.' and '..' are reserved")
        }
        if let bad = name.unicodeScalars.first(where: { $0 == "/" || $0 == ":" || $0 == "%"
                                                      || $0.properties.isWhitespace || !$0.isASCII }) {
            throw .invalidInterfaceName(name, reason: "it contains '\(bad)'; use letters, digits, '-' and '_'")
        }
    }
}
