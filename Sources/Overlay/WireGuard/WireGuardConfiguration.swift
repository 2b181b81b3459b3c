import Topology

/// What one WireGuard peer is configured with (the `[Peer]` section of a
/// `wg` config), independent of how it is applied (UAPI or generic netlink).
public struct WireGuardPeerConfiguration: Equatable, Sendable {
    public var publicKey: PublicKey
    /// Where to send handshakes before the peer has sent us anything.
    public var endpoint: SocketAddress?
    /// Kept sorted (see `init`) so that two configurations compare equal
    /// whatever order the device reported them in.
    public var allowedIPs: [CIDR]
    /// Seconds between keepalives; 0 turns them off.
    public var persistentKeepalive: UInt16

    public init(publicKey: PublicKey, endpoint: SocketAddress?, allowedIPs: [CIDR], persistentKeepalive: UInt16) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.allowedIPs = allowedIPs.sorted { $0.description < $1.description }
        self.persistentKeepalive = persistentKeepalive
    }
}

/// A peer as read back from a running device: configuration plus counters.
public struct WireGuardPeerState: Equatable, Sendable {
    public var configuration: WireGuardPeerConfiguration
    /// Seconds since the Unix epoch of the last completed handshake; nil if
    /// there has been none since the peer was added.
    public var lastHandshake: Double?
    public var receivedBytes: UInt64
    public var transmittedBytes: UInt64

    public init(configuration: WireGuardPeerConfiguration, lastHandshake: Double? = nil,
                receivedBytes: UInt64 = 0, transmittedBytes: UInt64 = 0) {
        self.configuration = configuration
        self.lastHandshake = lastHandshake
        self.receivedBytes = receivedBytes
        self.transmittedBytes = transmittedBytes
    }
}

/// A WireGuard device as read back (`wg show`): `privateKey` is nil on a
/// fresh device that was never given one, `listenPort` 0 before it listens.
public struct WireGuardDeviceState: Equatable, Sendable {
    public var privateKey: [UInt8]?
    public var listenPort: UInt16
    public var peers: [WireGuardPeerState]

    public init(privateKey: [UInt8]? = nil, listenPort: UInt16 = 0, peers: [WireGuardPeerState] = []) {
        self.privateKey = privateKey
        self.listenPort = listenPort
        self.peers = peers
    }

    /// Derived from the private key: the UAPI does not report it.
    public var publicKey: PublicKey? {
        privateKey.flatMap { KeyPair(secretKey: $0)?.publicKey }
    }
}

/// One batch of device changes, applied in a single UAPI `set=1` or
/// `WG_CMD_SET_DEVICE` request. Fields left nil are not touched; peers not
/// listed are not touched either (no `replace_peers`), which is what keeps the
/// sessions of unchanged peers alive across `meridian overlay up`.
public struct WireGuardDeviceUpdate: Equatable, Sendable {
    public enum PeerChange: Equatable, Sendable {
        /// Create the peer, or overwrite its endpoint, keepalive and allowed IPs.
        case upsert(WireGuardPeerConfiguration)
        case remove(PublicKey)
    }

    public var privateKey: [UInt8]?
    public var listenPort: UInt16?
    public var peers: [PeerChange]

    public init(privateKey: [UInt8]? = nil, listenPort: UInt16? = nil, peers: [PeerChange] = []) {
        self.privateKey = privateKey
        self.listenPort = listenPort
        self.peers = peers
    }

    public var isEmpty: Bool { privateKey == nil && listenPort == nil && peers.isEmpty }
}

/// Curve25519 private-key clamping (RFC 7748 §5): WireGuard implementations
/// store and report a private key clamped, whatever bytes they were given.
/// libsodium's `crypto_kx` keys are not stored clamped (it clamps inside the
/// scalar multiplication), so the desired key is clamped before it is
/// compared with what a device reports; the public key is the same either way.
public enum WireGuardKey {
    public static func clamped(_ privateKey: [UInt8]) -> [UInt8] {
        guard privateKey.count == 32 else { return privateKey }
        var key = privateKey
        key[0] &= 248
        key[31] = (key[31] & 127) | 64
        return key
    }
}
