import CSodium

extension EnvelopeCipher {
    /// The AEAD one link session seals with, negotiated in its handshake: the
    /// hello's octet 3 is the initiator's offer (one bit per suite, the raw
    /// value), the hello-ack's octet 3 the responder's choice (one raw value).
    /// Both octets are under the handshake MACs and in the transcript hash the
    /// session keys are derived from, so nobody in the path can change the
    /// choice. See `EnvelopeCipher` for why there are two.
    public enum Suite: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// ChaCha20-Poly1305-IETF (RFC 8439). Every bridge offers it.
        case chacha20Poly1305 = 0x01
        /// AES-256-GCM (NIST SP 800-38D), offered only where libsodium runs it
        /// with AES-NI and PCLMULQDQ (`crypto_aead_aes256gcm_is_available`).
        case aes256GCM = 0x02

        /// Operator-facing name (`bench seal --suite`, status pages).
        public var description: String {
            switch self {
            case .chacha20Poly1305: "chacha20-poly1305"
            case .aes256GCM: "aes-256-gcm"
            }
        }

        /// The suite called `name` (its `description`), if any.
        public init?(name: String) {
            guard let suite = Suite.allCases.first(where: { $0.description == name }) else { return nil }
            self = suite
        }

        /// Whether this process can run the suite: ChaCha20-Poly1305 always,
        /// AES-256-GCM only on a CPU with AES-NI and PCLMULQDQ (libsodium 1.0.18
        /// has no portable AES-GCM).
        public var isAvailable: Bool {
            switch self {
            case .chacha20Poly1305: return true
            case .aes256GCM:
                Sodium.ensureInitialized()   // the CPU features are read by sodium_init
                return crypto_aead_aes256gcm_is_available() == 1
            }
        }

        /// Every suite this process can run: what a bridge offers by default.
        public static var available: Set<Suite> { Set(allCases.filter(\.isAvailable)) }

        /// The responder's choice from what both sides have: AES-256-GCM if
        /// both offer it (1.4–1.7× cheaper per packet with AES-NI, see
        /// `EnvelopeCipher`), else ChaCha20-Poly1305; `nil` if nothing is shared
        /// (impossible between conforming bridges: both always offer ChaCha).
        static func choose(offered: Set<Suite>, supported: Set<Suite>) -> Suite? {
            let shared = offered.intersection(supported)
            if shared.contains(.aes256GCM) { return .aes256GCM }
            return shared.contains(.chacha20Poly1305) ? .chacha20Poly1305 : nil
        }

        /// The hello's offer octet for `suites`.
        static func offerOctet(_ suites: Set<Suite>) -> UInt8 {
            suites.reduce(0) { $0 | $1.rawValue }
        }

        /// The suites named in an offer octet; bits no suite has are ignored
        /// (a later version may offer more).
        static func offered(in octet: UInt8) -> Set<Suite> {
            Set(allCases.filter { octet & $0.rawValue != 0 })
        }

        /// Packets sealed under one key before the session is renewed, and the
        /// hard stop, whatever `SealPolicy` allows (the session uses the lower).
        ///
        /// ChaCha20-Poly1305 needs no cap of its own below the policy's 2^32 /
        /// 2^33. AES-GCM does, because of its 128-bit block (draft-irtf-cfrg-aead-limits
        /// §5.1: confidentiality advantage ≤ (σ + q + 1)² / 2^129 for σ blocks
        /// in q messages): at 2^29 datagrams of up to 1,500 octets (≤ 92
        /// plaintext blocks each) it is ≤ 2^-57.9, the margin TLS 1.3 keeps; the hard
        /// stop at 2^30 stays ≤ 2^-55.9. At 1 Gbit/s of 1,100-octet packets
        /// 2^29 packets take 80 minutes, so the 10-minute time rekey still
        /// comes first; this only bounds an extraordinarily busy link.
        var packetLimits: (rekey: UInt64, reject: UInt64) {
            switch self {
            case .chacha20Poly1305: (.max, .max)
            case .aes256GCM: (1 << 29, 1 << 30)
            }
        }
    }
}
