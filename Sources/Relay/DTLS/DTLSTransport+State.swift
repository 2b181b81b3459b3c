extension DTLSTransport {
    /// Where a transport is in its life. Transitions:
    ///
    /// ```
    /// new ──start()/first ClientHello──▶ handshaking ──handshake done + fingerprint matched──▶ connected
    ///  ▲                                  │    │                                                  │
    ///  └─ server: bogus first ClientHello ┘    └──▶ failed(DTLSError) ◀── fatal alert/mismatch ───┤
    ///                                                                                              ▼
    ///                         close() or the peer's close_notify (from handshaking/connected) ──▶ closed
    /// ```
    ///
    /// `failed` and `closed` are final: later input is ignored.
    public enum State: Sendable, Equatable {
        /// Created; a client has not called `start()`, a server has not seen
        /// a valid ClientHello.
        case new
        /// Flights are being exchanged, or the handshake is done but the
        /// peer's fingerprint has not arrived (or been checked) yet.
        case handshaking
        /// The peer proved the certificate its SDP announced; SRTP may flow
        /// with these keys.
        case connected(SRTPKeyingMaterial)
        /// The handshake or the fingerprint check failed; tear the endpoint down.
        case failed(DTLSError)
        /// Closed by `close()` or by the peer's close_notify.
        case closed

        /// The keys, once connected.
        public var keyingMaterial: SRTPKeyingMaterial? {
            if case let .connected(keys) = self { keys } else { nil }
        }

        /// True for `failed` and `closed`, after which input is ignored.
        public var isFinal: Bool {
            switch self {
            case .failed, .closed: true
            case .new, .handshaking, .connected: false
            }
        }
    }

    /// Counters an operator (or the bridge's metrics) can read. Nothing a peer
    /// sends fails the transport without showing up here or in `state`.
    public struct Statistics: Sendable, Equatable {
        /// Datagrams handed to `receive`.
        public internal(set) var datagramsReceived = 0
        /// Datagrams returned for sending (all methods).
        public internal(set) var datagramsSent = 0
        /// Datagrams dropped before OpenSSL: not well-formed DTLS, or a
        /// would-be first ClientHello that OpenSSL rejected.
        public internal(set) var malformedDatagrams = 0
        /// Datagrams that arrived before a client's `start()` or after the
        /// transport failed or closed.
        public internal(set) var ignoredDatagrams = 0
        /// Retransmission timer expiries that resent a flight.
        public internal(set) var retransmissions = 0
        /// Bytes of DTLS application data discarded (Meridian carries no data
        /// channel over this transport).
        public internal(set) var discardedApplicationDataBytes = 0
        /// Why the most recent malformed datagram was dropped.
        public internal(set) var lastDropReason: DTLSRecordError?
    }
}
