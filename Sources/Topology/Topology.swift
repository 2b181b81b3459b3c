/// The whole network as an operator describes it in `topology/*.yaml`
/// (DESIGN §3): regions, measured latencies, the overlay, bridges and the
/// policies of the controller.
///
/// A `Topology` value only exists once a file passed every check of
/// `TopologyParser` and `TopologyValidator`; code that receives one may rely on
/// its invariants (ids unique, regions known, addresses well formed, keys
/// 32 bytes, overlay addresses unique and inside `overlay.network`).
/// Value type, `Sendable`: processes swap a whole new value on a live reload.
public struct Topology: Sendable, Equatable {
    public var version: Int
    public var name: String
    /// Regions in file order.
    public var regions: [Region]
    /// Declared round-trip times between region pairs, milliseconds.
    public var declaredLatencies: [RegionPair: Double]
    public var overlay: OverlaySettings
    /// Bridges in file order.
    public var bridges: [Bridge]
    public var signaling: SignalingSettings
    public var selection: SelectionSettings
    public var cascade: CascadeSettings

    public init(version: Int = 1, name: String, regions: [Region],
                declaredLatencies: [RegionPair: Double] = [:], overlay: OverlaySettings,
                bridges: [Bridge], signaling: SignalingSettings,
                selection: SelectionSettings = .init(), cascade: CascadeSettings = .init()) {
        self.version = version
        self.name = name
        self.regions = regions
        self.declaredLatencies = declaredLatencies
        self.overlay = overlay
        self.bridges = bridges
        self.signaling = signaling
        self.selection = selection
        self.cascade = cascade
    }

    public func region(named name: String) -> Region? {
        regions.first { $0.name == name }
    }

    public func bridge(id: String) -> Bridge? {
        bridges.first { $0.id == id }
    }

    public func bridges(in region: String) -> [Bridge] {
        bridges.filter { $0.region == region }
    }
}

/// A place on Earth where participants and bridges live.
public struct Region: Sendable, Equatable {
    public var name: String
    public var latitude: Double
    public var longitude: Double
    /// Client address prefixes that belong to this region (longest prefix wins).
    public var clients: [CIDR]

    public init(name: String, latitude: Double, longitude: Double, clients: [CIDR] = []) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.clients = clients
    }
}

/// An unordered pair of region names, written `a~b` in the file.
public struct RegionPair: Sendable, Hashable, CustomStringConvertible {
    public let first: String
    public let second: String

    /// Normalises the order so that `a~b` and `b~a` are the same pair.
    public init(_ a: String, _ b: String) {
        if a <= b { first = a; second = b } else { first = b; second = a }
    }

    public var description: String { "\(first)~\(second)" }
}

public enum OverlayMode: String, Sendable, Equatable, CaseIterable {
    /// One machine, no root: bridges talk over 127.0.0.0/8 (still sealed).
    case loopback
    /// Bridges on several hosts inside a WireGuard mesh that Meridian configures.
    case wireguard
}

public struct OverlaySettings: Sendable, Equatable {
    public var mode: OverlayMode
    /// The overlay prefix; required in `wireguard` mode, absent in `loopback` mode.
    public var network: CIDR?
    /// UDP port of the WireGuard interface on every bridge (`wireguard` mode).
    public var wireguardPort: UInt16

    public static let defaultWireGuardPort: UInt16 = 51820

    public init(mode: OverlayMode, network: CIDR? = nil,
                wireguardPort: UInt16 = OverlaySettings.defaultWireGuardPort) {
        self.mode = mode
        self.network = network
        self.wireguardPort = wireguardPort
    }
}

/// One media relay.
public struct Bridge: Sendable, Equatable {
    public var id: String
    public var region: String
    /// Where participants send media (one UDP port for all of them).
    public var media: SocketAddress
    /// Where other bridges send cascade traffic (inside the overlay).
    public var overlay: SocketAddress
    /// The WireGuard peer description (`wireguard` mode only).
    public var wireguard: WireGuardPeer?
    /// X25519 public key for sealing cascade traffic. Optional in `loopback`
    /// mode, where `meridian up` may generate keys in memory.
    public var cascadeKey: PublicKey?
    /// Endpoints (participant transports) this bridge accepts at most.
    public var capacity: Int
    /// A draining bridge takes no new participants; existing ones stay.
    public var drain: Bool
    /// Where this bridge serves `GET /metrics` (TCP); `nil`: no metrics listener.
    public var metrics: SocketAddress?

    public static let defaultCapacity = 500

    public init(id: String, region: String, media: SocketAddress, overlay: SocketAddress,
                wireguard: WireGuardPeer? = nil, cascadeKey: PublicKey? = nil,
                capacity: Int = Bridge.defaultCapacity, drain: Bool = false,
                metrics: SocketAddress? = nil) {
        self.id = id
        self.region = region
        self.media = media
        self.overlay = overlay
        self.wireguard = wireguard
        self.cascadeKey = cascadeKey
        self.capacity = capacity
        self.drain = drain
        self.metrics = metrics
    }
}

public struct WireGuardPeer: Sendable, Equatable {
    /// Where other bridges reach this bridge's WireGuard interface (underlay).
    public var endpoint: SocketAddress
    public var publicKey: PublicKey

    public init(endpoint: SocketAddress, publicKey: PublicKey) {
        self.endpoint = endpoint
        self.publicKey = publicKey
    }
}

/// A 32-byte Curve25519 public key, base64 in the file (as `wg` prints them).
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    public static let length = 32
    public let bytes: [UInt8]

    /// `nil` unless `base64` decodes to exactly 32 bytes.
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64), bytes.count == PublicKey.length else { return nil }
        self.bytes = bytes
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == PublicKey.length else { return nil }
        self.bytes = bytes
    }

    public var base64: String { Base64.encode(bytes) }
    public var description: String { base64 }
}

public struct SignalingSettings: Sendable, Equatable {
    /// Where the client API listens.
    public var listen: SocketAddress
    /// The region of a participant that neither names one nor matches a prefix.
    public var defaultRegion: String
    /// A separate listener for the bridges' control channel; `nil`: served on `listen`.
    public var control: SocketAddress?
    /// A separate listener for `GET /metrics`; `nil`: served on `listen`.
    public var metrics: SocketAddress?
    /// Peers whose `X-Forwarded-For` is honoured, in file order; empty: none.
    public var trustedProxies: [CIDR]
    /// JWT room tokens on join; `nil`: joins need no token.
    public var auth: AuthSettings?

    public init(listen: SocketAddress, defaultRegion: String,
                control: SocketAddress? = nil, metrics: SocketAddress? = nil,
                trustedProxies: [CIDR] = [], auth: AuthSettings? = nil) {
        self.listen = listen
        self.defaultRegion = defaultRegion
        self.control = control
        self.metrics = metrics
        self.trustedProxies = trustedProxies
        self.auth = auth
    }

    /// Where the control channel is served: `control`, else `listen`.
    public var controlListener: SocketAddress { control ?? listen }
    /// Where `GET /metrics` is served: `metrics`, else `listen`.
    public var metricsListener: SocketAddress { metrics ?? listen }
}

public struct SelectionSettings: Sendable, Equatable {
    /// Participants of one conference on one bridge, at most.
    public var maxParticipantsPerBridge: Int
    /// A bridge reporting more stress than this (0…1) takes no new participants.
    public var stressThreshold: Double

    public init(maxParticipantsPerBridge: Int = 80, stressThreshold: Double = 0.8) {
        self.maxParticipantsPerBridge = maxParticipantsPerBridge
        self.stressThreshold = stressThreshold
    }
}

public enum CascadeStrategy: String, Sendable, Equatable, CaseIterable {
    /// One shared tree minimising the worst participant-to-participant latency.
    case tree
    /// Every bridge linked to every other (Jitsi Octo style).
    case mesh
    /// No cascade: the whole conference on one bridge.
    case single
}

public struct CascadeSettings: Sendable, Equatable {
    public var strategy: CascadeStrategy
    /// Tree links per bridge, at most.
    public var maxFanout: Int

    public init(strategy: CascadeStrategy = .tree, maxFanout: Int = 4) {
        self.strategy = strategy
        self.maxFanout = maxFanout
    }
}
