import Control

/// One participant's transport on this bridge (mediasoup's "transport"):
/// its ICE credentials and validated addresses, its DTLS association and the
/// SRTP sessions DTLS keyed, the sources it sends and the sources it may
/// receive.
///
/// Single-threaded: owned by the media thread, like everything it points to.
final class Endpoint {
    enum Phase: Equatable {
        /// Allocated; waiting for a valid ICE check and a DTLS handshake.
        case connecting
        /// DTLS done and its fingerprint matched: SRTP flows.
        case connected
        /// Gone (expired, failed, or removed by the controller).
        case closed
    }

    let id: String
    let conference: String
    /// For a relayed endpoint (a participant on another bridge, whose
    /// streams arrive over the cascade): the bridge it is connected to.
    /// nil for this bridge's own participants.
    let origin: String?
    /// Answers this endpoint's ICE checks with its local credentials.
    var responder: ICELiteResponder
    var phase: Phase = .connecting
    var dtls: DTLSTransport
    var srtpIn: SRTPSession?
    var srtpOut: SRTPSession?
    /// Addresses that passed an ICE check, and the one media goes to.
    var validatedAddresses: Set<PeerAddress> = []
    var selectedAddress: PeerAddress?
    /// The last authenticated ICE check (RFC 7675 consent freshness).
    var lastConsent: ContinuousClock.Instant?
    let allocatedAt: ContinuousClock.Instant
    var payloads = Payloads()
    var sends: [Source] = []
    /// Announced SSRCs this endpoint's SDP accepts.
    var receives: Set<UInt32> = []
    /// Under `--emulate-wan`: how long datagrams to this participant wait.
    var emulatedDelay: Duration?
    /// Producers this endpoint sends (by its own SSRC), for quick cleanup.
    var producers: [Producer] = []

    init(id: String, conference: String, credentials: ICECredentials, dtls: DTLSTransport,
         now: ContinuousClock.Instant, origin: String? = nil) {
        self.id = id
        self.conference = conference
        self.origin = origin
        self.responder = ICELiteResponder(local: credentials)
        self.dtls = dtls
        self.allocatedAt = now
    }

    /// Keys from DTLS: one inbound and one outbound SRTP session.
    func installKeys(_ keys: SRTPKeyingMaterial) throws(SRTPError) {
        srtpIn = try keys.makeInboundSession()
        srtpOut = try keys.makeOutboundSession()
        phase = .connected
    }

    /// Whether media may be sent to this endpoint now.
    var canReceiveMedia: Bool { phase == .connected && selectedAddress != nil && srtpOut != nil }
}

@available(*, unavailable)
extension Endpoint: Sendable {}
