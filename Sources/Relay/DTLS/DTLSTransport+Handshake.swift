import CDTLS

extension DTLSTransport {
    /// `SSL_new` plus two memory BIOs, the role and the MTU.
    static func makeConnection(context: DTLSContext, role: DTLSRole)
        throws(DTLSError) -> (ssl: OpaquePointer, read: OpaquePointer, write: OpaquePointer) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else { throw DTLSContext.failure("SSL_new") }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw DTLSContext.failure("BIO_new(read)")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw DTLSContext.failure("BIO_new(write)")
        }
        // An empty read BIO means "no datagram yet" (retry), not end of file.
        _ = CDTLS_BIO_set_mem_eof_return(readBIO, -1)
        _ = CDTLS_BIO_set_mem_eof_return(writeBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)  // ssl now owns both
        // Returns the MTU set, or 0 when OpenSSL finds it too small.
        guard CDTLS_set_mtu(ssl, context.configuration.mtu) > 0 else {
            SSL_free(ssl)
            throw DTLSContext.failure("SSL_set_mtu(\(context.configuration.mtu))")
        }
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        return (ssl, readBIO, writeBIO)
    }

    /// Runs OpenSSL on whatever the read BIO holds: the handshake until it
    /// completes, then `SSL_read`, which also answers a peer's retransmitted
    /// final flight and notices alerts.
    func advance() {
        if !handshakeComplete {
            ERR_clear_error()
            let result = SSL_do_handshake(ssl)
            collectOutput()
            if result == 1 {
                handshakeComplete = true
                completeHandshake()
            } else {
                let code = SSL_get_error(ssl, result)
                guard code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE else {
                    handshakeFailed()
                    return
                }
            }
        }
        if handshakeComplete { readRecords() }
    }

    /// Drains decrypted records. Meridian carries no application data over
    /// DTLS (no data channel), so it is counted and discarded.
    private func readRecords() {
        withUnsafeTemporaryAllocation(byteCount: 2048, alignment: 1) { buffer in
            while !state.isFinal {
                ERR_clear_error()
                let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                collectOutput()
                if count > 0 {
                    statistics.discardedApplicationDataBytes += Int(count)
                    continue
                }
                switch SSL_get_error(ssl, count) {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    return
                case SSL_ERROR_ZERO_RETURN:
                    state = .closed  // the peer's close_notify
                default:
                    let reason = DTLSError.drainOpenSSLErrors()
                    fail(receivedFatalAlert.map { .alertReceived(alert: $0) } ?? .handshakeFailed(reason: reason))
                }
            }
        }
    }

    /// OpenSSL failed the handshake. A server that has not answered anything
    /// yet treats it as a bogus first ClientHello (garbage, a scanner, a
    /// spoofed packet): it drops the alert OpenSSL wrote, starts over with a
    /// fresh `SSL`, and keeps waiting for the real client.
    private func handshakeFailed() {
        let reason = DTLSError.drainOpenSSLErrors()
        if role == .server && !sentHandshakeRecord && rejectedFingerprint == nil {
            outbox.removeAll()
            if let fresh = try? Self.makeConnection(context: context, role: role) {
                SSL_free(ssl)
                (ssl, readBIO, writeBIO) = fresh
                attachCallbacks()
                receivedFatalAlert = nil
                state = .new
                countDrop(.rejectedClientHello(reason: reason))
                return
            }
        }
        if let actual = rejectedFingerprint, let expected = remoteFingerprint {
            fail(.fingerprintMismatch(expected: expected, actual: actual))
        } else if let alert = receivedFatalAlert {
            fail(.alertReceived(alert: alert))
        } else {
            fail(.handshakeFailed(reason: reason))
        }
    }

    /// RFC 5764 §4.1.2 / §4.2: the negotiated protection profile and the
    /// exported keys; then the fingerprint of what the peer presented.
    private func completeHandshake() {
        guard let selected = SSL_get_selected_srtp_profile(ssl) else {
            failAfterCompletion(.noCommonSRTPProfile)
            return
        }
        let id = selected.pointee.id
        guard id <= UInt(UInt16.max), let profile = SRTPProfile(protectionProfileID: UInt16(id)) else {
            failAfterCompletion(.unsupportedSRTPProfile(id: id))
            return
        }
        var exported = [UInt8](repeating: 0, count: profile.keyingMaterialLength)
        defer { for index in exported.indices { exported[index] = 0 } }
        let label = SRTPProfile.exporterLabel
        ERR_clear_error()
        guard SSL_export_keying_material(ssl, &exported, exported.count, label, label.utf8.count, nil, 0, 0) == 1 else {
            failAfterCompletion(.keyExportFailed(reason: DTLSError.drainOpenSSLErrors()))
            return
        }
        let keys: SRTPKeyingMaterial
        do {
            keys = try SRTPKeyingMaterial(exported: exported, profile: profile, role: role)
        } catch {
            failAfterCompletion(.keyExportFailed(reason: error.description))
            return
        }
        guard let certificate = SSL_get1_peer_certificate(ssl) else {
            failAfterCompletion(.noPeerCertificate)
            return
        }
        defer { X509_free(certificate) }
        guard let fingerprint = Self.fingerprint(of: certificate) else {
            failAfterCompletion(.handshakeFailed(reason: "peer certificate cannot be DER-encoded: "
                                                 + DTLSError.drainOpenSSLErrors()))
            return
        }
        peerCertificateFingerprint = fingerprint
        pendingKeys = keys
        verifyFingerprintIfReady()
    }

    /// Moves to `connected` or `failed` once the handshake is complete and
    /// the SDP fingerprint is known; otherwise waits.
    func verifyFingerprintIfReady() {
        guard handshakeComplete, case .handshaking = state, let keys = pendingKeys,
              let actual = peerCertificateFingerprint, let expected = remoteFingerprint else { return }
        pendingKeys = nil
        if actual == expected {
            state = .connected(keys)
        } else {
            failAfterCompletion(.fingerprintMismatch(expected: expected, actual: actual))
        }
    }

    /// SHA-256 of the certificate's DER encoding, or nil if OpenSSL cannot encode it.
    static func fingerprint(of certificate: OpaquePointer) -> CertificateFingerprint? {
        guard let der = try? DTLSCertificate.derEncoding(of: certificate) else { return nil }
        return try? CertificateFingerprint(derCertificate: der)
    }

    /// Fails a transport whose handshake OpenSSL considers complete: the peer
    /// believes it is connected, so it gets a close_notify to stop it sending.
    func failAfterCompletion(_ error: DTLSError) {
        pendingKeys = nil
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        collectOutput()
        fail(error)
    }

    func fail(_ error: DTLSError) {
        guard !state.isFinal else { return }
        pendingKeys = nil
        state = .failed(error)
    }

    func countDrop(_ reason: DTLSRecordError) {
        statistics.malformedDatagrams += 1
        statistics.lastDropReason = reason
    }

    /// Moves everything OpenSSL wrote into `outbox`, packed into datagrams.
    func collectOutput() {
        let pending = CDTLS_BIO_pending(writeBIO)
        guard pending > 0, pending <= Int(Int32.max) else { return }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = Int(BIO_read(writeBIO, &bytes, Int32(pending)))
        guard read > 0 else { return }
        bytes.withUnsafeBytes { raw in
            let written = UnsafeRawBufferPointer(rebasing: raw[..<read])
            if Self.containsHandshakeRecord(written) { sentHandshakeRecord = true }
            outbox.append(contentsOf: DTLSFlightPacker.pack(written, mtu: configuration.mtu))
        }
    }

    private static func containsHandshakeRecord(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count,
              let header = try? DTLSRecordHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            if header.contentType == .handshake { return true }
            offset += header.recordLength
        }
        return false
    }

    func takeOutbox() -> [[UInt8]] {
        defer { outbox = [] }
        statistics.datagramsSent += outbox.count
        return outbox
    }
}
