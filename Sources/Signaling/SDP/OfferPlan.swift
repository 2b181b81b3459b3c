import Control

/// Everything the controller knows when it writes one participant's offer:
/// the bridge's transport, the participant's own two m-lines and one pair of
/// m-lines per other participant, in the order they appeared. The list of
/// pairs only grows: a participant who left keeps its pair, marked inactive,
/// so m-lines are never reused (DESIGN §4).
public struct OfferPlan: Sendable, Equatable {
    /// The bridge's side of the transport.
    public struct Transport: Sendable, Equatable {
        /// Host candidates, `ip:port` or `[v6]:port`.
        public var candidates: [String]
        /// `AB:CD:…` (sha-256).
        public var fingerprint: String
        public var iceUfrag: String
        public var icePwd: String

        public init(candidates: [String], fingerprint: String, iceUfrag: String, icePwd: String) {
            self.candidates = candidates
            self.fingerprint = fingerprint
            self.iceUfrag = iceUfrag
            self.icePwd = icePwd
        }
    }

    /// Another participant's audio and video, as this participant receives them.
    public struct RemoteSlot: Sendable, Equatable {
        public var participant: String
        public var audioSSRC: UInt32
        public var videoSSRC: UInt32
        public var videoRTXSSRC: UInt32
        /// False once the participant left: its m-lines become `inactive`.
        public var active: Bool

        public init(participant: String, audioSSRC: UInt32, videoSSRC: UInt32, videoRTXSSRC: UInt32, active: Bool = true) {
            self.participant = participant
            self.audioSSRC = audioSSRC
            self.videoSSRC = videoSSRC
            self.videoRTXSSRC = videoRTXSSRC
            self.active = active
        }
    }

    public var participant: String
    /// Increases with every offer to this participant (`o=` session version).
    public var revision: Int
    public var sessionID: UInt64
    public var transport: Transport
    public var slots: [RemoteSlot]
    public var payloads: Payloads

    public init(participant: String, revision: Int, sessionID: UInt64, transport: Transport,
                slots: [RemoteSlot], payloads: Payloads = Payloads()) {
        self.participant = participant
        self.revision = revision
        self.sessionID = sessionID
        self.transport = transport
        self.slots = slots
        self.payloads = payloads
    }

    /// m-line ids: the participant's own audio and video are "0" and "1";
    /// slot `i` has "2+2i" (audio) and "3+2i" (video).
    public static func audioMid(slot: Int) -> String { String(2 + 2 * slot) }
    public static func videoMid(slot: Int) -> String { String(3 + 2 * slot) }
    public static let ownAudioMid = "0"
    public static let ownVideoMid = "1"
}

/// RTP header extension ids the controller puts in every offer; the bridge
/// must know the MID id to erase the sender's MID before forwarding.
public enum HeaderExtensionIDs {
    public static let mid: UInt8 = 1
    public static let audioLevel: UInt8 = 2
    public static let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
    public static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
}
