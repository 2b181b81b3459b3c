import CDTLS

/// One DTLS 1.2 association with one WebRTC peer, for DTLS-SRTP keying
/// (RFC 5764) on a socket this transport never sees.
///
/// The bridge owns the UDP socket. It hands every datagram that RFC 7983
/// classifies as DTLS (first byte 20–63) to `receive`, sends whatever comes
/// back to the peer's selected ICE address, and asks `nextTimeout` when to
/// call `handleTimeout`. OpenSSL runs on two memory BIOs: the read BIO is fed
/// one datagram at a time; what OpenSSL writes is cut into datagrams of at
/// most `configuration.mtu` bytes on record boundaries (`DTLSFlightPacker`).
///
/// Identity: both sides use self-signed certificates; the transport becomes
/// `connected` only when the certificate the peer presented hashes to the
/// fingerprint from the peer's SDP. The answer may reach the bridge after the
/// client has started DTLS, so `remoteFingerprint` may be nil at first; the
/// handshake then proceeds and the transport waits in `handshaking` until
/// `setRemoteFingerprint` is called. When the fingerprint is known while the
/// peer's Certificate arrives, a mismatch aborts the handshake with a
/// bad_certificate alert.
///
/// Concurrency: OpenSSL's `SSL` object is not thread-safe, and its C
/// callbacks reach back into this object, so a transport belongs to the one
/// thread that drives the endpoint (the bridge's media thread); it is
/// deliberately not `Sendable`.
public final class DTLSTransport {
    /// Whether this side sends the ClientHello (`a=setup:active`) or waits (`passive`).
    public let role: DTLSRole
    /// The shared OpenSSL context (certificate, policy, configuration).
    public let context: DTLSContext
    public internal(set) var state: State = .new
    /// The fingerprint from the peer's SDP, once known.
    public internal(set) var remoteFingerprint: CertificateFingerprint?
    /// The fingerprint of the certificate the peer actually presented, once
    /// the handshake has completed (whether or not it matched).
    public internal(set) var peerCertificateFingerprint: CertificateFingerprint?
    public internal(set) var statistics = Statistics()

    /// `SSL*`, which owns both BIOs. Replaced only when a server drops a
    /// bogus first ClientHello.
    var ssl: OpaquePointer
    /// The memory BIO OpenSSL reads peer datagrams from.
    var readBIO: OpaquePointer
    /// The memory BIO OpenSSL writes records to.
    var writeBIO: OpaquePointer

    /// OpenSSL reported the handshake complete (keys may still await the fingerprint).
    var handshakeComplete = false
    /// Keys exported at completion, held until the fingerprint matches.
    var pendingKeys: SRTPKeyingMaterial?
    /// Set by the verify callback when the presented certificate did not match.
    var rejectedFingerprint: CertificateFingerprint?
    /// Set by the info callback when the peer sent a fatal alert.
    var receivedFatalAlert: String?
    /// Some handshake record has gone out; until then a server may reset.
    var sentHandshakeRecord = false
    /// Datagrams produced by the current call, returned by it.
    var outbox: [[UInt8]] = []

    /// Creates a transport from a shared context.
    ///
    /// - Parameters:
    ///   - role: `.client` sends the ClientHello on `start()`; `.server` waits
    ///     for one. Use `DTLSRole(offererWithAnswerSetup:)` to get it from the
    ///     answer's `a=setup`.
    ///   - remoteFingerprint: the peer's SDP fingerprint, or nil until its
    ///     answer arrives (then call `setRemoteFingerprint`).
    public init(context: DTLSContext, role: DTLSRole,
                remoteFingerprint: CertificateFingerprint?) throws(DTLSError) {
        self.context = context
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        (ssl, readBIO, writeBIO) = try Self.makeConnection(context: context, role: role)
        attachCallbacks()
    }

    /// Creates a transport with a context of its own. A bridge should share
    /// one `DTLSContext` between its transports instead.
    public convenience init(certificate: DTLSCertificate, role: DTLSRole,
                            remoteFingerprint: CertificateFingerprint?,
                            configuration: DTLSConfiguration = DTLSConfiguration()) throws(DTLSError) {
        try self.init(context: DTLSContext(certificate: certificate, configuration: configuration),
                      role: role, remoteFingerprint: remoteFingerprint)
    }

    deinit {
        SSL_free(ssl)
    }

    /// The configuration of the context.
    public var configuration: DTLSConfiguration { context.configuration }

    // MARK: Driving

    /// Begins the handshake. A client returns its first flight (the
    /// ClientHello); a server returns nothing and waits in `new`. Calling it
    /// again, or on a transport past `new`, does nothing.
    public func start() -> [[UInt8]] {
        guard role == .client, case .new = state else { return [] }
        state = .handshaking
        advance()
        return takeOutbox()
    }

    /// Handles one datagram from the peer and returns the datagrams to send
    /// back (a flight, a retransmission, an alert, or nothing).
    ///
    /// Malformed datagrams are dropped and counted; datagrams arriving before
    /// a client's `start()` or after the transport failed or closed are
    /// ignored and counted. Nothing here traps on peer input.
    public func receive(_ datagram: UnsafeRawBufferPointer) -> [[UInt8]] {
        statistics.datagramsReceived += 1
        switch state {
        case .failed, .closed:
            statistics.ignoredDatagrams += 1
            return []
        case .new where role == .client:
            statistics.ignoredDatagrams += 1
            return []
        case .new, .handshaking, .connected:
            break
        }
        do {
            try DTLSDatagramFilter.check(datagram)
        } catch {
            countDrop(error)
            return []
        }
        guard let base = datagram.baseAddress,
              BIO_write(readBIO, base, Int32(datagram.count)) == Int32(datagram.count) else {
            fail(.handshakeFailed(reason: "BIO_write: " + DTLSError.drainOpenSSLErrors()))
            return takeOutbox()
        }
        if case .new = state { state = .handshaking }
        advance()
        return takeOutbox()
    }

    /// `receive` for a datagram held in an array (tests, control plane).
    public func receive(_ datagram: [UInt8]) -> [[UInt8]] {
        datagram.withUnsafeBytes { receive($0) }
    }

    /// Supplies (or replaces) the peer's SDP fingerprint. If the handshake has
    /// already completed, the check happens now: a match makes the transport
    /// `connected`, a mismatch `failed` (and returns a close_notify for the
    /// peer). A different fingerprint for a connected transport also fails
    /// it: the peer's identity cannot change under an established association.
    public func setRemoteFingerprint(_ fingerprint: CertificateFingerprint) -> [[UInt8]] {
        switch state {
        case .failed, .closed:
            return []
        case .connected:
            guard fingerprint != remoteFingerprint, let actual = peerCertificateFingerprint else { return [] }
            remoteFingerprint = fingerprint
            failAfterCompletion(.fingerprintMismatch(expected: fingerprint, actual: actual))
        case .new, .handshaking:
            remoteFingerprint = fingerprint
            verifyFingerprintIfReady()
        }
        return takeOutbox()
    }

    /// When `handleTimeout` should next be called: while a flight waits for
    /// its answer. Nil when no retransmission timer runs (before `start()`,
    /// once the peer's last flight has arrived, after failure or close).
    public var nextTimeout: ContinuousClock.Instant? {
        guard case .handshaking = state else { return nil }
        var remaining = timeval()
        guard CDTLS_get_timeout(ssl, &remaining) == 1 else { return nil }
        return .now + .seconds(remaining.tv_sec) + .microseconds(remaining.tv_usec)
    }

    /// Retransmits the last flight if its timer has expired (otherwise does
    /// nothing) and returns it. Fails the transport once OpenSSL gives up.
    public func handleTimeout() -> [[UInt8]] {
        guard case .handshaking = state else { return [] }
        ERR_clear_error()
        let result = CDTLS_handle_timeout(ssl)
        if result > 0 {
            statistics.retransmissions += 1
            collectOutput()
        } else if result < 0 {
            collectOutput()
            fail(.handshakeTimedOut(reason: DTLSError.drainOpenSSLErrors()))
        }
        return takeOutbox()
    }

    /// Ends the association: returns a close_notify for the peer when the
    /// handshake has completed, and moves to `closed` (a failed transport
    /// keeps its failure).
    public func close() -> [[UInt8]] {
        switch state {
        case .failed, .closed:
            return []
        case .new, .handshaking, .connected:
            if handshakeComplete {
                ERR_clear_error()
                _ = SSL_shutdown(ssl)
                ERR_clear_error()
                collectOutput()
            }
            state = .closed
            return takeOutbox()
        }
    }
}

@available(*, unavailable)
extension DTLSTransport: Sendable {}
