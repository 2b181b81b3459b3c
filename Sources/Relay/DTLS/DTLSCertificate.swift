import CDTLS

/// A bridge's DTLS identity: an ECDSA P-256 key and a self-signed X.509
/// certificate over it, generated with OpenSSL 3 when the bridge starts.
///
/// WebRTC does not use a PKI for media: each side presents a throw-away
/// self-signed certificate and the signalling channel carries its SHA-256
/// fingerprint (RFC 8827 §6.5). P-256 is what browsers generate themselves and
/// what every DTLS stack accepts; ECDSA keeps the handshake small enough to
/// fit in few datagrams. The certificate is valid from one day in the past
/// (clock skew between bridge and client) to `validityDays` ahead; the bridge
/// makes a new one on restart, long before that.
///
/// The class owns the `EVP_PKEY*` and `X509*` and frees them in `deinit`; the
/// DTLS transport hands them to `SSL_CTX_use_certificate` /
/// `SSL_CTX_use_PrivateKey`, which take their own references.
///
/// Concurrency: immutable after `init`. OpenSSL objects are only read after
/// that (digest, DER encoding, reference counting, which OpenSSL 3 does
/// atomically), so one certificate may serve every endpoint on every thread;
/// hence `@unchecked Sendable`.
public final class DTLSCertificate: @unchecked Sendable {
    /// The subject and issuer common name of generated certificates.
    public static let defaultCommonName = "meridian"
    /// Days the certificate stays valid after generation.
    public static let defaultValidityDays = 30

    /// The certificate, DER-encoded (what DTLS sends in its Certificate message).
    public let derEncoded: [UInt8]
    /// SHA-256 over `derEncoded`, for `a=fingerprint` in SDP.
    public let fingerprint: CertificateFingerprint

    /// `EVP_PKEY*`: the ECDSA P-256 private key. Owned; freed in `deinit`.
    let privateKey: OpaquePointer
    /// `X509*`: the self-signed certificate. Owned; freed in `deinit`.
    let certificate: OpaquePointer

    /// Generates a fresh key and certificate.
    public init(commonName: String = DTLSCertificate.defaultCommonName,
                validityDays: Int = DTLSCertificate.defaultValidityDays) throws(DTLSCertificateError) {
        guard validityDays > 0 else { throw .invalidValidity(days: validityDays) }
        let key = try Self.generateP256Key()
        let x509: OpaquePointer
        do {
            x509 = try Self.selfSign(key: key, commonName: commonName, validityDays: validityDays)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        do {
            let der = try Self.derEncoding(of: x509)
            derEncoded = der
            fingerprint = try CertificateFingerprint(derCertificate: der)
        } catch {
            X509_free(x509)
            EVP_PKEY_free(key)
            throw error
        }
        privateKey = key
        certificate = x509
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(privateKey)
    }

    /// `EVP_PKEY_generate` with the EC algorithm and group P-256 (the
    /// function form of OpenSSL 3's `EVP_EC_gen`, which is a variadic macro).
    private static func generateP256Key() throws(DTLSCertificateError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openSSL("EVP_PKEY_CTX_new_from_name(EC)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .openSSL("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
            throw .openSSL("EVP_PKEY_CTX_set_group_name(P-256)")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw .openSSL("EVP_PKEY_generate") }
        return key
    }

    /// Builds and signs (SHA-256) an X.509 v3 certificate whose subject and
    /// issuer are `CN=commonName`, with a random positive 63-bit serial.
    private static func selfSign(key: OpaquePointer, commonName: String,
                                 validityDays: Int) throws(DTLSCertificateError) -> OpaquePointer {
        guard let x509 = X509_new() else { throw .openSSL("X509_new") }
        var ok = false
        defer { if !ok { X509_free(x509) } }

        guard X509_set_version(x509, Int(X509_VERSION_3)) == 1 else { throw .openSSL("X509_set_version") }
        var random: UInt64 = 0
        guard withUnsafeMutableBytes(of: &random, { RAND_bytes($0.baseAddress, Int32($0.count)) }) == 1 else {
            throw .openSSL("RAND_bytes")
        }
        // RFC 5280 §4.1.2.2: a positive integer; clearing the top bit keeps
        // the DER INTEGER at 8 octets, and a zero serial is replaced.
        let serial = max(random & 0x7FFF_FFFF_FFFF_FFFF, 1)
        guard ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial) == 1 else {
            throw .openSSL("ASN1_INTEGER_set_uint64")
        }
        guard CDTLS_X509_set_notBefore_days(x509, -1) == 1,
              CDTLS_X509_set_notAfter_days(x509, validityDays) == 1 else {
            throw .openSSL("X509_gmtime_adj")
        }
        guard X509_set_pubkey(x509, key) == 1 else { throw .openSSL("X509_set_pubkey") }
        guard let name = X509_get_subject_name(x509),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(x509, name) == 1 else {
            throw .openSSL("X509_NAME_add_entry_by_txt(CN)")
        }
        guard X509_sign(x509, key, EVP_sha256()) > 0 else { throw .openSSL("X509_sign(SHA-256)") }
        ok = true
        return x509
    }

    /// `i2d_X509`: the DER bytes of a certificate.
    static func derEncoding(of x509: OpaquePointer) throws(DTLSCertificateError) -> [UInt8] {
        let length = i2d_X509(x509, nil)
        guard length > 0 else { throw .openSSL("i2d_X509") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_X509(x509, &cursor)
        }
        guard written == length else { throw .openSSL("i2d_X509") }
        return der
    }
}
