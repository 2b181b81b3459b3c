/// Messages of the control channel between the controller and its bridges
/// (DESIGN §5). Each bridge dials the controller over a WebSocket and sends
/// JSON text frames; the controller never dials a bridge, so bridges behind
/// NAT work.
///
/// Every frame is `{"v": 1, "type": "...", ...}`. A receiver rejects a frame
/// whose `v` it does not speak rather than guessing, so an old controller and
/// a new bridge fail loudly at `hello` instead of half-working.
public enum ControlProtocol {
    public static let version = 1
    /// WebSocket path the controller serves for bridges.
    public static let path = "/v1/control"
    /// HTTP header carrying a bridge's secret on the upgrade request.
    public static let secretHeader = "X-Meridian-Bridge-Secret"
}

/// Bridge → controller.
public enum BridgeMessage: Sendable, Equatable {
    /// First frame after connecting.
    case hello(BridgeHello)
    /// Every second.
    case stats(BridgeStats)
    /// The outcome of one command, by its id.
    case reply(CommandReply)
    /// Something the controller did not ask for: an endpoint connected,
    /// failed or expired.
    case event(EndpointEvent)
    /// A cascade link changed state.
    case link(LinkEvent)
}

/// Controller → bridge.
public enum ControllerMessage: Sendable, Equatable {
    /// The answer to `hello`.
    case welcome(Welcome)
    case command(id: UInt64, ControlCommand)
}

public struct BridgeHello: Codable, Sendable, Equatable {
    public var bridge: String
    public var region: String
    /// Build version of the bridge, for the operator's eyes.
    public var software: String
    /// Where participants reach this bridge (host candidates for the SDP).
    public var media: [String]
    /// SHA-256 fingerprint of the bridge's DTLS certificate, `AB:CD:…`.
    public var fingerprint: String

    public init(bridge: String, region: String, software: String, media: [String], fingerprint: String) {
        self.bridge = bridge
        self.region = region
        self.software = software
        self.media = media
        self.fingerprint = fingerprint
    }
}

public struct Welcome: Codable, Sendable, Equatable {
    public var controller: String
    /// Seconds between stats reports the controller expects.
    public var statsInterval: Double

    public init(controller: String, statsInterval: Double = 1) {
        self.controller = controller
        self.statsInterval = statsInterval
    }
}

public struct BridgeStats: Codable, Sendable, Equatable {
    /// 0…1: the share of the bridge's capacity in use (endpoints, CPU).
    public var stress: Double
    public var endpoints: Int
    public var conferences: Int
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    /// Dropped datagrams by reason (`unknown-kind`, `stun-unauthorized`, …).
    public var drops: [String: UInt64]
    /// Retransmissions sent in answer to NACKs.
    public var retransmissions: UInt64
    /// NACKed sequence numbers that were no longer in the cache.
    public var retransmissionMisses: UInt64
    /// Keyframe requests sent (PLIs to senders, cascade requests upstream).
    public var keyframeRequests: UInt64
    /// Cascade links to other bridges.
    public var links: [LinkStats]
    /// Per conference and link: what each tree edge carries.
    public var cascade: [ConferenceLinkStats]

    public init(stress: Double = 0, endpoints: Int = 0, conferences: Int = 0, packetsIn: UInt64 = 0,
                packetsOut: UInt64 = 0, bytesIn: UInt64 = 0, bytesOut: UInt64 = 0,
                drops: [String: UInt64] = [:], retransmissions: UInt64 = 0, retransmissionMisses: UInt64 = 0,
                keyframeRequests: UInt64 = 0, links: [LinkStats] = [], cascade: [ConferenceLinkStats] = []) {
        self.keyframeRequests = keyframeRequests
        self.links = links
        self.cascade = cascade
        self.stress = stress
        self.endpoints = endpoints
        self.conferences = conferences
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.drops = drops
        self.retransmissions = retransmissions
        self.retransmissionMisses = retransmissionMisses
    }
}

public struct CommandReply: Codable, Sendable, Equatable {
    public var id: UInt64
    /// `nil` when the command succeeded.
    public var error: String?

    public init(id: UInt64, error: String? = nil) {
        self.id = id
        self.error = error
    }
}

public struct EndpointEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// ICE and DTLS are up; media flows.
        case connected
        /// DTLS failed (for example a fingerprint mismatch).
        case failed
        /// No consent (valid STUN check) for 30 s, or never connected in time.
        case expired
    }

    public var conference: String
    public var endpoint: String
    public var kind: Kind
    public var detail: String?

    public init(conference: String, endpoint: String, kind: Kind, detail: String? = nil) {
        self.conference = conference
        self.endpoint = endpoint
        self.kind = kind
        self.detail = detail
    }
}
