import CSRTP

/// Why an SRTP operation failed.
///
/// Failures of `unprotect` are routine on a media port (a stale packet, a
/// scanner, a peer whose keys changed): callers count and drop them, they
/// never tear the endpoint down for one of them. Each message says what the
/// operator can check when a counter keeps rising.
public enum SRTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tag did not verify: corrupted packet, wrong key, or not SRTP at all.
    case authenticationFailed
    /// The packet index was already seen in the replay window.
    case replayed
    /// The packet index is older than the replay window.
    case replayTooOld
    /// libsrtp rejected the packet or the policy (malformed header, length).
    case badParameter
    /// The packet is shorter than the smallest valid header plus trailer.
    case packetTooShort(length: Int, minimum: Int)
    /// The caller's buffer has no room for the trailer `protect` appends.
    case bufferTooSmall(needed: Int, capacity: Int)
    /// `protect` called on an inbound session or `unprotect` on an outbound one.
    case wrongDirection(session: SRTPDirection)
    /// The packet is larger than libsrtp's `int` length can describe.
    case packetTooLarge(length: Int)
    /// A master key or salt of the wrong size for the profile.
    case invalidKeyLength(what: String, expected: Int, actual: Int)
    /// Exported DTLS-SRTP keying material of the wrong size for the profile.
    case invalidKeyingMaterialLength(expected: Int, actual: Int)
    /// The cipher failed (libsrtp built without this cipher, or OpenSSL error).
    case cipherFailure
    /// libsrtp could not allocate a session or stream.
    case allocationFailed
    /// `srtp_init` failed; no SRTP session can be created in this process.
    case libraryInitializationFailed(code: Int)
    /// Any other libsrtp status, with its numeric `srtp_err_status_t`.
    case library(code: Int)

    /// Maps a non-OK libsrtp status.
    init(status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authenticationFailed
        case srtp_err_status_replay_fail: self = .replayed
        case srtp_err_status_replay_old: self = .replayTooOld
        case srtp_err_status_bad_param: self = .badParameter
        case srtp_err_status_cipher_fail: self = .cipherFailure
        case srtp_err_status_alloc_fail: self = .allocationFailed
        case srtp_err_status_init_fail: self = .libraryInitializationFailed(code: Int(status.rawValue))
        default: self = .library(code: Int(status.rawValue))
        }
    }

    public var description: String {
        switch self {
        case .authenticationFailed:
            "SRTP authentication failed (packet corrupted, or the sender uses other keys: check that DTLS completed with this peer)"
        case .replayed:
            "SRTP packet replayed (index already received; duplicates on the path or an attack)"
        case .replayTooOld:
            "SRTP packet too old for the replay window (heavy reordering or a stale retransmission)"
        case .badParameter:
            "SRTP rejected the packet as malformed (bad RTP/RTCP header or length)"
        case let .packetTooShort(length, minimum):
            "SRTP packet of \(length) bytes is shorter than the minimum \(minimum)"
        case let .bufferTooSmall(needed, capacity):
            "SRTP buffer of \(capacity) bytes cannot hold the protected packet of \(needed) bytes (reserve the profile's trailer length)"
        case let .wrongDirection(session):
            "SRTP session is \(session == .inbound ? "inbound (unprotect only)" : "outbound (protect only)"); use the session for the other direction"
        case let .packetTooLarge(length):
            "SRTP packet of \(length) bytes exceeds what libsrtp accepts"
        case let .invalidKeyLength(what, expected, actual):
            "SRTP master \(what) has \(actual) bytes, the profile needs \(expected)"
        case let .invalidKeyingMaterialLength(expected, actual):
            "DTLS-SRTP keying material has \(actual) bytes, the negotiated profile needs \(expected) (export with the profile's keyingMaterialLength)"
        case .cipherFailure:
            "SRTP cipher failure (is libsrtp2 built with OpenSSL for AES-GCM?)"
        case .allocationFailed:
            "SRTP could not allocate memory"
        case let .libraryInitializationFailed(code):
            "srtp_init failed with status \(code); reinstall libsrtp2 (Debian: libsrtp2-1)"
        case let .library(code):
            "libsrtp failed with srtp_err_status_t \(code)"
        }
    }
}
