/// The cascade part of the control channel (DESIGN §5): the controller tells
/// each bridge of a conference how the conference's bridges are linked and
/// who sends from the other bridges; bridges report their links' health.

extension ControlCommand {
    /// The whole cascade state of one conference on one bridge. Idempotent:
    /// each command replaces the previous one for that conference. No
    /// `links` means the conference lives on this bridge alone.
    public struct Cascade: Codable, Sendable, Equatable {
        public var conference: String
        /// Every link of the conference's plan (not only this bridge's):
        /// bridges derive from them the path toward each origin, so all
        /// bridges agree on which link a stream must arrive from.
        public var links: [CascadeEdge]
        /// Participants on other bridges and the sources they send.
        public var remote: [RemoteEndpoint]

        public init(conference: String, links: [CascadeEdge], remote: [RemoteEndpoint]) {
            self.conference = conference
            self.links = links
            self.remote = remote
        }
    }
}

/// One link of a conference's cascade plan, between two bridge ids.
public struct CascadeEdge: Codable, Sendable, Equatable, Hashable {
    public var a: String
    public var b: String

    public init(_ a: String, _ b: String) {
        // Stored in a fixed order so equal links compare equal.
        self.a = min(a, b)
        self.b = max(a, b)
    }
}

/// A participant on another bridge, as a relayed endpoint on this one.
public struct RemoteEndpoint: Codable, Sendable, Equatable {
    public var endpoint: String
    /// The bridge the participant is connected to (the streams' origin).
    public var bridge: String
    public var audioSSRC: UInt32
    public var videoSSRC: UInt32

    public init(endpoint: String, bridge: String, audioSSRC: UInt32, videoSSRC: UInt32) {
        self.endpoint = endpoint
        self.bridge = bridge
        self.audioSSRC = audioSSRC
        self.videoSSRC = videoSSRC
    }
}

/// A bridge's link to another bridge went up or down (three missed pongs).
public struct LinkEvent: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case up
        case down
    }

    public var peer: String
    public var state: State
    /// The last measured round trip, when known.
    public var rttMs: Double?

    public init(peer: String, state: State, rttMs: Double? = nil) {
        self.peer = peer
        self.state = state
        self.rttMs = rttMs
    }
}

/// One cascade link as its bridge sees it, in the stats report.
public struct LinkStats: Codable, Sendable, Equatable {
    public var peer: String
    public var up: Bool
    /// Smoothed round trip from ping/pong.
    public var rttMs: Double?
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    public var bytesIn: UInt64
    public var bytesOut: UInt64

    public init(peer: String, up: Bool, rttMs: Double?, packetsIn: UInt64 = 0, packetsOut: UInt64 = 0,
                bytesIn: UInt64 = 0, bytesOut: UInt64 = 0) {
        self.peer = peer
        self.up = up
        self.rttMs = rttMs
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}

/// Media of one conference on one link, in the stats report: what the tree
/// edge carries in each direction and how many streams go out on it.
public struct ConferenceLinkStats: Codable, Sendable, Equatable {
    public var conference: String
    public var peer: String
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    /// Streams this bridge currently forwards onto the link (interest).
    public var streamsOut: Int

    public init(conference: String, peer: String, packetsIn: UInt64 = 0, packetsOut: UInt64 = 0,
                bytesIn: UInt64 = 0, bytesOut: UInt64 = 0, streamsOut: Int = 0) {
        self.conference = conference
        self.peer = peer
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.streamsOut = streamsOut
    }
}
