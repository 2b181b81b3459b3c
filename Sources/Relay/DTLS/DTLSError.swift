import CDTLS

/// Why a DTLS transport (or the context it is made from) failed.
///
/// A transport in `.failed` stays failed: the endpoint must be torn down and,
/// if the participant is still there, renegotiated with a fresh transport.
/// OpenSSL's reasons are copied from its error queue at the moment of failure
/// (`ERR_get_error` / `ERR_error_string_n`), so they read like
/// `error:0A000086:SSL routines::certificate verify failed`.
public enum DTLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `DTLSConfiguration` that cannot work (no profile, MTU out of range…).
    case invalidConfiguration(reason: String)
    /// Setting up the OpenSSL context or connection failed.
    case setup(operation: String, reason: String)
    /// The handshake failed inside OpenSSL (bad message, no shared cipher…).
    case handshakeFailed(reason: String)
    /// The peer sent a fatal alert; `alert` is OpenSSL's long description.
    case alertReceived(alert: String)
    /// The peer's certificate does not hash to the fingerprint from its SDP.
    case fingerprintMismatch(expected: CertificateFingerprint, actual: CertificateFingerprint)
    /// The handshake finished without a peer certificate.
    case noPeerCertificate
    /// The peer offered no SRTP profile this side accepts (or no `use_srtp`).
    case noCommonSRTPProfile
    /// OpenSSL negotiated an SRTP profile Meridian does not implement.
    case unsupportedSRTPProfile(id: UInt)
    /// `SSL_export_keying_material` failed or the split was impossible.
    case keyExportFailed(reason: String)
    /// The peer stopped answering: OpenSSL gave up after repeated retransmissions.
    case handshakeTimedOut(reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason):
            "DTLS configuration rejected: \(reason)"
        case let .setup(operation, reason):
            "DTLS setup failed in \(operation): \(reason) (check that libssl3 is OpenSSL 3 with DTLS 1.2 and SRTP support)"
        case let .handshakeFailed(reason):
            "DTLS handshake failed: \(reason)"
        case let .alertReceived(alert):
            "DTLS peer sent fatal alert \"\(alert)\" (the client rejected the handshake; a bad certificate alert usually means our SDP fingerprint did not reach it intact)"
        case let .fingerprintMismatch(expected, actual):
            "DTLS peer certificate has fingerprint \(actual) but its SDP announced \(expected) (the answer was altered, or it belongs to another session)"
        case .noPeerCertificate:
            "DTLS peer presented no certificate; WebRTC requires one for the fingerprint check"
        case .noCommonSRTPProfile:
            "DTLS peer offered no SRTP profile we accept (need AEAD_AES_128_GCM or AES_CM_128_HMAC_SHA1_80 in use_srtp)"
        case let .unsupportedSRTPProfile(id):
            "DTLS negotiated SRTP profile 0x\(String(id, radix: 16)), which Meridian does not implement"
        case let .keyExportFailed(reason):
            "DTLS-SRTP key export failed: \(reason)"
        case let .handshakeTimedOut(reason):
            "DTLS handshake timed out after repeated retransmissions (peer unreachable or dropping our flights: \(reason))"
        }
    }

    /// Drains OpenSSL's thread-local error queue into one line, so the next
    /// failure on this thread does not report a stale reason.
    static func drainOpenSSLErrors() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? "no reason reported by OpenSSL" : reasons.joined(separator: "; ")
    }
}
