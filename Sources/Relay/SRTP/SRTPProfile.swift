import CSRTP

/// The SRTP protection profiles a Meridian bridge negotiates in DTLS-SRTP.
///
/// Only two are offered: AEAD_AES_128_GCM (RFC 7714), which is cheaper per
/// packet on CPUs with AES-NI/CLMUL and is what the forwarding benchmark is
/// measured with, and AES_CM_128_HMAC_SHA1_80 (RFC 5764 §4.1.2), the profile
/// every WebRTC client must support. The 32-bit-tag and NULL-cipher profiles
/// are deliberately absent: a relay has no reason to weaken media protection.
///
/// The raw value is the DTLS-SRTP protection profile id carried in the
/// `use_srtp` extension (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum SRTPProfile: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01}
    case aesCM128HMACSHA1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM = {0x00, 0x07}
    case aeadAES128GCM = 0x0007

    /// The DTLS-SRTP protection profile id (the two octets in `use_srtp`).
    public var protectionProfileID: UInt16 { rawValue }

    /// The profile with this DTLS-SRTP id, or nil if Meridian does not offer it.
    public init?(protectionProfileID: UInt16) {
        self.init(rawValue: protectionProfileID)
    }

    /// The name OpenSSL uses in `SSL_CTX_set_tlsext_use_srtp` and reports from
    /// `SSL_get_selected_srtp_profile`.
    public var openSSLName: String {
        switch self {
        case .aesCM128HMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// Master key length in bytes (both profiles use AES-128).
    public var masterKeyLength: Int { 16 }

    /// Master salt length in bytes: 112 bits for AES-CM (RFC 3711 §8.2),
    /// 96 bits for AES-GCM (RFC 7714 §12).
    public var masterSaltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 14
        case .aeadAES128GCM: 12
        }
    }

    /// How many bytes DTLS must export with the label `EXTRACTOR-dtls_srtp`:
    /// two keys and two salts (RFC 5764 §4.2). 60 for AES-CM, 56 for GCM.
    public var keyingMaterialLength: Int { 2 * (masterKeyLength + masterSaltLength) }

    /// The RFC 5705 exporter label DTLS-SRTP uses (RFC 5764 §4.2).
    public static let exporterLabel = "EXTRACTOR-dtls_srtp"

    /// Bytes `protect(rtp:)` appends: the authentication tag (10 for
    /// HMAC-SHA1-80, 16 for the GCM tag). A buffer handed to the in-place
    /// protect needs this much room after the packet.
    public var rtpTrailerLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 10
        case .aeadAES128GCM: 16
        }
    }

    /// Bytes `protectRTCP` appends: the tag plus the 4-byte E flag and SRTCP
    /// index (RFC 3711 §3.4, RFC 7714 §9).
    public var rtcpTrailerLength: Int { rtpTrailerLength + 4 }

    /// libsrtp's own identifier for the profile.
    var libsrtpProfile: srtp_profile_t {
        switch self {
        case .aesCM128HMACSHA1_80: srtp_profile_aes128_cm_sha1_80
        case .aeadAES128GCM: srtp_profile_aead_aes_128_gcm
        }
    }

    public var description: String { openSSLName }
}
