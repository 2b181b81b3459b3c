/// What the controller asks a bridge to do. Each command is acknowledged with
/// a `CommandReply` carrying the same id.
public enum ControlCommand: Sendable, Equatable {
    /// Create an endpoint (a participant's transport) in a conference.
    case allocate(Allocate)
    /// The participant answered: its ICE credentials, DTLS fingerprint and role,
    /// the sources it sends, and the sources it has agreed to receive.
    case update(Update)
    /// Remove an endpoint (the participant left or moved).
    case expire(Expire)
    /// Set a conference's cascade links and relayed endpoints.
    case cascade(Cascade)
}

extension ControlCommand {
    public struct Allocate: Codable, Sendable, Equatable {
        public var conference: String
        public var endpoint: String
        /// The bridge's ICE credentials for this endpoint, chosen by the
        /// controller so that the offer can be written without a round trip.
        public var iceUfrag: String
        public var icePwd: String
        /// The participant's region, for bridges that emulate WAN latency
        /// (`meridian up --emulate-wan`); others ignore it.
        public var region: String?

        public init(conference: String, endpoint: String, iceUfrag: String, icePwd: String, region: String? = nil) {
            self.conference = conference
            self.endpoint = endpoint
            self.iceUfrag = iceUfrag
            self.icePwd = icePwd
            self.region = region
        }
    }

    public struct Update: Codable, Sendable, Equatable {
        public var conference: String
        public var endpoint: String
        public var remoteUfrag: String
        public var remotePwd: String
        /// `sha-256` fingerprint from the answer, `AB:CD:…`.
        public var remoteFingerprint: String
        /// The answer's `a=setup`: `active` (the bridge is DTLS server) or
        /// `passive` (the bridge is DTLS client).
        public var remoteSetup: String
        /// What this endpoint sends, as announced to everyone else.
        public var sends: [Source]
        /// The announced SSRCs (of other endpoints' sources) this endpoint's
        /// current SDP accepts; only these are forwarded to it.
        public var receives: [UInt32]
        /// Payload types negotiated with this endpoint.
        public var payloads: Payloads

        public init(conference: String, endpoint: String, remoteUfrag: String, remotePwd: String,
                    remoteFingerprint: String, remoteSetup: String, sends: [Source], receives: [UInt32],
                    payloads: Payloads) {
            self.conference = conference
            self.endpoint = endpoint
            self.remoteUfrag = remoteUfrag
            self.remotePwd = remotePwd
            self.remoteFingerprint = remoteFingerprint
            self.remoteSetup = remoteSetup
            self.sends = sends
            self.receives = receives
            self.payloads = payloads
        }
    }

    public struct Expire: Codable, Sendable, Equatable {
        public var conference: String
        public var endpoint: String

        public init(conference: String, endpoint: String) {
            self.conference = conference
            self.endpoint = endpoint
        }
    }
}

/// One media source of a participant. The participant picks `ssrc` (its
/// answer's `a=ssrc`); the controller picks `announcedSSRC`, the SSRC every
/// receiver sees in its offer, so the bridge rewrites one into the other.
public struct Source: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case audio
        case video
    }

    public var kind: Kind
    public var ssrc: UInt32
    public var announcedSSRC: UInt32
    /// The participant's RTX SSRC for this source, when it negotiated RTX.
    public var rtxSSRC: UInt32?
    /// The RTX SSRC receivers see.
    public var announcedRTXSSRC: UInt32?

    public init(kind: Kind, ssrc: UInt32, announcedSSRC: UInt32, rtxSSRC: UInt32? = nil, announcedRTXSSRC: UInt32? = nil) {
        self.kind = kind
        self.ssrc = ssrc
        self.announcedSSRC = announcedSSRC
        self.rtxSSRC = rtxSSRC
        self.announcedRTXSSRC = announcedRTXSSRC
    }
}

/// Payload types of one endpoint's session (the controller's offer fixes
/// them; an answer must keep them).
public struct Payloads: Codable, Sendable, Equatable {
    public var opus: UInt8
    public var vp8: UInt8
    /// RTX for VP8, when the participant accepted it.
    public var rtx: UInt8?

    public init(opus: UInt8 = 111, vp8: UInt8 = 96, rtx: UInt8? = 97) {
        self.opus = opus
        self.vp8 = vp8
        self.rtx = rtx
    }
}
