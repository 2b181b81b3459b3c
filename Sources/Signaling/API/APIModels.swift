/// JSON bodies of the client API (DESIGN §4). Field names are the contract.

public struct JoinRequest: Codable, Sendable {
    public var name: String
    public var region: String?
    public var token: String?
}

public struct JoinResponse: Codable, Sendable, Equatable {
    public var id: String
    public var bridge: String
    public var region: String
    /// Which rule decided the region: `hint`, `address` or `default`.
    public var regionSource: String
    /// Which selection rule chose the bridge: `room-region`, `region`,
    /// `nearest`, or `room` (`single` strategy; see `BridgeSelector`).
    public var selection: String
    public var offer: String
    public var revision: Int
    public var events: String
}

public struct AnswerRequest: Codable, Sendable {
    public var sdp: String
    public var revision: Int
}

public struct RoomInfo: Codable, Sendable, Equatable {
    public struct Member: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var region: String
        public var bridge: String
    }

    /// One link of the room's cascade plan, with what it carries for this
    /// room in each direction.
    public struct Edge: Codable, Sendable, Equatable {
        /// The ends, `a < b` by id.
        public var a: String
        public var b: String
        /// The link's round trip as the plan knows it (live when measured,
        /// else the topology's figure); `null` while the link is reported
        /// down, when no round trip is known (the plan then weighs the link
        /// with a penalty, which is no RTT).
        public var rttMs: Double?
        public var aToB: Rate
        public var bToA: Rate

        enum CodingKeys: String, CodingKey { case a, b, rttMs, aToB, bToA }

        /// `rttMs` is written as `null` when unknown rather than left out:
        /// every edge has the same fields.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(rttMs, forKey: .rttMs)
            try container.encode(aToB, forKey: .aToB)
            try container.encode(bToA, forKey: .bToA)
        }
    }

    /// Media rate over the interval between a bridge's two latest stats
    /// reports; zero until two reports arrived.
    public struct Rate: Codable, Sendable, Equatable {
        public var packetsPerSecond: Double
        public var bitsPerSecond: Double

        public static let zero = Rate(packetsPerSecond: 0, bitsPerSecond: 0)
    }

    public var room: String
    public var participants: [Member]
    public var bridges: [String]
    /// The cascade strategy of the topology: `tree`, `mesh` or `single`.
    public var strategy: String
    /// The plan's links; empty while the room lives on one bridge.
    public var tree: [Edge]
}

public struct BridgeInfo: Codable, Sendable, Equatable {
    public var id: String
    public var region: String
    /// `up`, `draining` or `down`.
    public var state: String
    public var stress: Double
    public var endpoints: Int
    /// Media counters from the bridge's last stats report.
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    public var retransmissions: UInt64
    /// Dropped datagrams by reason (`unknown-kind`, `stun-unauthorized`, …).
    public var drops: [String: UInt64]
    /// The bridge's cascade links, as its last stats report gave them.
    public var links: [Link]

    public struct Link: Codable, Sendable, Equatable {
        public var peer: String
        public var up: Bool
        public var rttMs: Double?
    }
}

/// Frames of the participant events WebSocket.
public struct EventFrame: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
    }

    /// `offer`, `participants` (server → client) or `answer` (client → server).
    public var type: String
    public var sdp: String?
    public var revision: Int?
    public var list: [Entry]?
    /// Set on an `error` frame answering a bad client frame.
    public var error: String?

    public static func offer(_ sdp: String, revision: Int) -> EventFrame {
        EventFrame(type: "offer", sdp: sdp, revision: revision)
    }

    public static func participants(_ list: [Entry]) -> EventFrame {
        EventFrame(type: "participants", list: list)
    }

    public static func failure(_ message: String) -> EventFrame {
        EventFrame(type: "error", error: message)
    }
}
