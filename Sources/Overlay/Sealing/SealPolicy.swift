/// When sessions are renewed, how long an old one overlaps the new, how
/// often a lost handshake is retried, and which AEADs this bridge offers.
///
/// Defaults and why:
/// - `rekeyAfterTime` 10 minutes: bounds what a leaked session key (memory
///   disclosure, core dump) can decrypt, and how long an ephemeral secret
///   lives, to ten minutes of one link; a rekey costs each side one X25519 and
///   a few hashes, negligible at one per peer per ten minutes. The side that
///   set the session up renews it; the other waits 10 % longer, so both rarely
///   start at once (and when they do, the lower bridge id wins the tie).
/// - `rekeyAfterPackets` 2^32: the nonce counter is 64-bit, so this is not
///   about nonce exhaustion; it bounds the data under one key (≈ 4.7 TB at
///   1,100 octets), far inside ChaCha20-Poly1305's confidentiality and
///   integrity limits (draft-irtf-cfrg-aead-limits). At 1 Gbit/s of 1,100-octet
///   packets a link needs ≈ 11 hours to get there, so time normally rotates
///   first; this is the backstop for an extraordinarily busy link. AES-GCM
///   sessions use lower packet limits of their own (2^29 / 2^30,
///   `EnvelopeCipher.Suite.packetLimits`): its 128-bit block gives it a
///   tighter data limit per key than ChaCha20's.
/// - `rejectAfterTime` 30 minutes and `rejectAfterPackets` 2^33: hard limits.
///   If renewal keeps failing (about 1,200 retries at the default interval),
///   the session stops sealing and opening rather than stretch a key further.
/// - `gracePeriod` 10 seconds: after a switch, the old key still opens packets
///   that were in flight or sent by the peer before the new key reached it
///   (one one-way delay, plus confirm retries). Short, because every second an
///   old key stays usable is a second a replay of it could still be tried
///   (the replay window still applies).
/// - `handshakeRetry` 1 second: longer than any inter-bridge round trip, short
///   enough that a lost hello costs one second of link setup.
/// - `ciphers`: what this CPU runs (`EnvelopeCipher.Suite.available`):
///   AES-256-GCM with AES-NI, ChaCha20-Poly1305 always. The handshake picks
///   AES-256-GCM when both bridges offer it. Tests and benchmarks narrow it
///   (`[.chacha20Poly1305]`) to force the fallback; it must contain
///   ChaCha20-Poly1305, which every bridge offers.
public struct SealPolicy: Sendable, Equatable {
    public var rekeyAfterPackets: UInt64
    public var rekeyAfterTime: Duration
    public var rejectAfterPackets: UInt64
    public var rejectAfterTime: Duration
    public var gracePeriod: Duration
    public var handshakeRetry: Duration
    public var ciphers: Set<EnvelopeCipher.Suite>

    public init(rekeyAfterPackets: UInt64 = 1 << 32, rekeyAfterTime: Duration = .seconds(600),
                rejectAfterPackets: UInt64 = 1 << 33, rejectAfterTime: Duration = .seconds(1_800),
                gracePeriod: Duration = .seconds(10), handshakeRetry: Duration = .seconds(1),
                ciphers: Set<EnvelopeCipher.Suite> = EnvelopeCipher.Suite.available) {
        self.rekeyAfterPackets = rekeyAfterPackets
        self.rekeyAfterTime = rekeyAfterTime
        self.rejectAfterPackets = rejectAfterPackets
        self.rejectAfterTime = rejectAfterTime
        self.gracePeriod = gracePeriod
        self.handshakeRetry = handshakeRetry
        self.ciphers = ciphers
    }

    /// How long an initiator waits for the peer to confirm a new session, and
    /// how long a responder keeps an unconfirmed one, before starting over.
    var confirmTimeout: Duration { handshakeRetry * 5 }

    /// When the responder of a session renews it if its initiator did not.
    var responderRekeyAfterTime: Duration { rekeyAfterTime + rekeyAfterTime / 10 }

    /// Every problem with the values, as sentences an operator can act on.
    public var problems: [String] {
        var problems: [String] = []
        if rekeyAfterPackets == 0 { problems.append("rekey-after-packets must be at least 1") }
        if rejectAfterPackets <= rekeyAfterPackets {
            problems.append("reject-after-packets (\(rejectAfterPackets)) must be larger than rekey-after-packets (\(rekeyAfterPackets))")
        }
        if rejectAfterPackets > 1 << 62 {
            problems.append("reject-after-packets must not exceed 2^62 (the counter must never approach 2^64)")
        }
        if handshakeRetry <= .zero { problems.append("handshake-retry must be positive") }
        if rekeyAfterTime <= .zero { problems.append("rekey-after-time must be positive") }
        if rejectAfterTime <= responderRekeyAfterTime + confirmTimeout {
            problems.append("reject-after-time must exceed 1.1 × rekey-after-time plus 5 handshake retries, so a renewal can finish before the old session is refused")
        }
        if gracePeriod < .zero { problems.append("grace-period must not be negative") }
        if !ciphers.contains(.chacha20Poly1305) {
            problems.append("ciphers must include chacha20-poly1305, the fallback every bridge offers")
        }
        for suite in EnvelopeCipher.Suite.allCases where ciphers.contains(suite) && !suite.isAvailable {
            problems.append("cipher \(suite) is not available on this CPU (AES-256-GCM needs AES-NI and PCLMULQDQ)")
        }
        return problems
    }
}
