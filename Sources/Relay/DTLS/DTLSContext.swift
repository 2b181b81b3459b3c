import CDTLS

/// The OpenSSL `SSL_CTX` every DTLS transport of a bridge is made from: the
/// bridge's certificate and key and the protocol policy, set once.
///
/// Policy (what WebRTC endpoints expect, RFC 8827 §6.5 and RFC 5764):
/// - DTLS 1.2 only (min = max): DTLS 1.0 is obsolete and OpenSSL 3.0 has no
///   DTLS 1.3.
/// - ECDHE with X25519 or P-256, ECDSA cipher suites (the certificate is
///   ECDSA P-256), AES-GCM or ChaCha20 first and two CBC suites for old
///   stacks; the server's order wins.
/// - A peer certificate is requested and required; the verify callback lets
///   self-signed ones through because identity comes from the SDP
///   fingerprint, which `DTLSTransport` checks.
/// - `use_srtp` with the configured profiles, preferred first.
/// - No session cache, no tickets, no renegotiation: WebRTC uses none, and
///   the context stays free of shared mutable state.
/// - No cookie exchange (`SSL_OP_COOKIE_EXCHANGE` off): ICE has already
///   proven the client's address, and WebRTC clients do not expect a
///   HelloVerifyRequest. `SSL_OP_NO_QUERY_MTU`: the transport sets the MTU
///   itself, since a memory BIO cannot be asked for one.
///
/// Concurrency: immutable after `init`. `SSL_new` only reads a context and
/// bumps its reference count atomically, so one context can serve transports
/// on every thread (`@unchecked Sendable`).
public final class DTLSContext: @unchecked Sendable {
    public let certificate: DTLSCertificate
    public let configuration: DTLSConfiguration
    /// `SSL_CTX*`. Owned; freed in `deinit` (transports hold their own reference).
    let context: OpaquePointer

    static let cipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
    ].joined(separator: ":")
    static let groupList = "X25519:P-256"

    public init(certificate: DTLSCertificate, configuration: DTLSConfiguration = DTLSConfiguration()) throws(DTLSError) {
        if let problem = configuration.problem {
            throw .invalidConfiguration(reason: problem)
        }
        ERR_clear_error()
        guard let context = SSL_CTX_new(DTLS_method()) else { throw Self.failure("SSL_CTX_new(DTLS_method)") }
        do {
            try Self.configure(context, certificate: certificate, configuration: configuration)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.certificate = certificate
        self.configuration = configuration
        self.context = context
    }

    deinit {
        SSL_CTX_free(context)
    }

    private static func configure(_ context: OpaquePointer, certificate: DTLSCertificate,
                                  configuration: DTLSConfiguration) throws(DTLSError) {
        guard CDTLS_CTX_set_min_proto_version(context, Int(DTLS1_2_VERSION)) == 1,
              CDTLS_CTX_set_max_proto_version(context, Int(DTLS1_2_VERSION)) == 1 else {
            throw failure("SSL_CTX_set_{min,max}_proto_version(DTLS 1.2)")
        }
        _ = SSL_CTX_set_options(context, CDTLS_OP_NO_QUERY_MTU() | CDTLS_OP_NO_TICKET()
                                    | CDTLS_OP_NO_RENEGOTIATION() | CDTLS_OP_CIPHER_SERVER_PREFERENCE())
        _ = CDTLS_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        guard SSL_CTX_set_cipher_list(context, cipherList) == 1 else {
            throw failure("SSL_CTX_set_cipher_list(\(cipherList))")
        }
        guard CDTLS_set1_groups_list(context, groupList) == 1 else {
            throw failure("SSL_CTX_set1_groups_list(\(groupList))")
        }
        guard SSL_CTX_use_certificate(context, certificate.certificate) == 1,
              SSL_CTX_use_PrivateKey(context, certificate.privateKey) == 1,
              SSL_CTX_check_private_key(context) == 1 else {
            throw failure("SSL_CTX_use_certificate/PrivateKey")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) { preverified, store in
            DTLSTransport.verifyPeerCertificate(preverified: preverified, store: store)
        }
        let profiles = configuration.srtpProfiles.map(\.openSSLName).joined(separator: ":")
        // Unlike most of OpenSSL, this one returns 0 on success.
        guard SSL_CTX_set_tlsext_use_srtp(context, profiles) == 0 else {
            throw failure("SSL_CTX_set_tlsext_use_srtp(\(profiles))")
        }
    }

    static func failure(_ operation: String) -> DTLSError {
        .setup(operation: operation, reason: DTLSError.drainOpenSSLErrors())
    }
}
