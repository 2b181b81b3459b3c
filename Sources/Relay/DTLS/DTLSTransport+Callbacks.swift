import CDTLS

/// OpenSSL's C callbacks. They cannot capture context, so each finds its
/// transport through the `SSL`'s app data: an unretained pointer to the
/// transport, which owns the `SSL` and frees it in `deinit`, so the pointer
/// never outlives the object. They run synchronously inside the OpenSSL call
/// the transport is making, on the transport's own thread.
extension DTLSTransport {
    func attachCallbacks() {
        _ = CDTLS_set_app_data(ssl, Unmanaged.passUnretained(self).toOpaque())
        SSL_set_info_callback(ssl) { ssl, kind, value in
            DTLSTransport.noteAlert(ssl: ssl, kind: kind, value: value)
        }
        DTLS_set_timer_cb(ssl) { ssl, current in
            DTLSTransport.retransmissionTimeout(ssl: ssl, currentMicroseconds: current)
        }
    }

    private static func transport(of ssl: OpaquePointer?) -> DTLSTransport? {
        guard let ssl, let raw = CDTLS_get_app_data(ssl) else { return nil }
        return Unmanaged<DTLSTransport>.fromOpaque(raw).takeUnretainedValue()
    }

    /// `SSL_CTX_set_verify` callback. WebRTC certificates are self-signed,
    /// so chain errors are accepted; what counts is the fingerprint. When the
    /// SDP fingerprint is already known, the peer's leaf certificate is
    /// compared here, so a mismatch aborts the handshake with a
    /// bad_certificate alert before any key is exported; when it is not known
    /// yet, the certificate is accepted and checked at completion.
    static func verifyPeerCertificate(preverified: Int32, store: OpaquePointer?) -> Int32 {
        guard let store, X509_STORE_CTX_get_error_depth(store) == 0,
              let sslPointer = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let transport = transport(of: OpaquePointer(sslPointer)),
              let expected = transport.remoteFingerprint,
              let leaf = X509_STORE_CTX_get_current_cert(store),
              let actual = fingerprint(of: leaf) else {
            return 1
        }
        if actual == expected { return 1 }
        transport.rejectedFingerprint = actual
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
        return 0
    }

    /// `SSL_set_info_callback`: remembers the peer's fatal alert, whose text
    /// ("bad certificate", "handshake failure") tells an operator more than
    /// OpenSSL's error queue does.
    private static func noteAlert(ssl: OpaquePointer?, kind: Int32, value: Int32) {
        guard kind & SSL_CB_ALERT != 0, kind & SSL_CB_READ != 0, value >> 8 == SSL3_AL_FATAL,
              let transport = transport(of: ssl), let text = SSL_alert_desc_string_long(value) else { return }
        transport.receivedFatalAlert = String(cString: text)
    }

    /// `DTLS_set_timer_cb`: the configured initial timeout, doubled on each
    /// expiry up to 60 s (RFC 6347 §4.2.4.1).
    private static func retransmissionTimeout(ssl: OpaquePointer?, currentMicroseconds: UInt32) -> UInt32 {
        let ceiling = DTLSConfiguration.microseconds(DTLSConfiguration.maximumRetransmissionTimeout)
        guard currentMicroseconds > 0 else {
            guard let transport = transport(of: ssl) else { return 1_000_000 }
            return DTLSConfiguration.microseconds(transport.configuration.initialRetransmissionTimeout)
        }
        let doubled = currentMicroseconds.multipliedReportingOverflow(by: 2)
        return doubled.overflow ? ceiling : min(doubled.partialValue, ceiling)
    }
}
