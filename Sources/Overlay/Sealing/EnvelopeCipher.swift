import CSodium

/// The AEAD of a sealed datagram: AES-256-GCM or ChaCha20-Poly1305-IETF, as
/// negotiated per link session (`Suite`), with a counter nonce and associated
/// data = the 16-octet `SealHeader`.
///
/// Why two suites: on an x86 CPU with AES-NI and PCLMULQDQ (any x86 server
/// of the last decade, and the development VM) libsodium's AES-256-GCM seals
/// and opens a 1,100-octet datagram 1.4–1.7× faster than its
/// ChaCha20-Poly1305 (`meridian bench seal`, figures in
/// Sources/Overlay/README.md), and the AEAD is the largest part of a cascade
/// hop's own cost. Without those instructions — or on ARM, with the system's
/// libsodium 1.0.18 — libsodium has no AES-GCM at all (a software AES would
/// be slower and not constant-time), so ChaCha20-Poly1305 stays: fast and
/// constant-time in plain software, offered by every bridge, and used
/// whenever either end of a link lacks the hardware. Both are 256-bit-key AEADs with a 96-bit nonce and a
/// 128-bit tag, so the wire format, key derivation and buffer layout are the
/// same; only the function called differs. The handshake picks the suite
/// (`HandshakeHello`, `HandshakeHelloAck`), under the MACs, so it cannot be
/// downgraded.
///
/// Nonces: counters, not random, for both suites. Every session key is fresh
/// (derived from a per-handshake ephemeral exchange) and used in one direction
/// only, so a per-key message counter is unique by construction — a restarted
/// bridge cannot repeat a nonce because it cannot get an old key back. The
/// counter must travel anyway as the replay-window sequence, so the wire
/// carries 8 nonce octets (not XChaCha20's 24, which exist so that *random*
/// nonces are safe, and cost an extra HChaCha20 block per packet). The 96-bit
/// nonce is `0x00000000 ‖ counter` (the header's counter octets, big-endian,
/// left-padded with four zero octets) — for GCM this is the deterministic IV
/// construction of SP 800-38D §8.2.1 (fixed field zero, invocation field the
/// counter). GCM's well-known limit of 2^32 messages per key is for *random*
/// 96-bit IVs (collision probability, §8.3) and does not apply to a counter;
/// the 64-bit counter cannot wrap because `SealPolicy` rekeys after 2^32
/// packets anyway, and AES-GCM sessions earlier still (`Suite.packetLimits`:
/// 2^29, for its 128-bit-block data limit, not for the nonce).
///
/// Both operations work in place on the caller's buffer and allocate nothing.
public enum EnvelopeCipher {
    /// 16 for both suites (`crypto_aead_chacha20poly1305_ietf_ABYTES`,
    /// `crypto_aead_aes256gcm_ABYTES`); checked by `SealingEnvelopeTests`.
    static let tagSize = Int(crypto_aead_chacha20poly1305_ietf_ABYTES)
    /// 32 for both suites, the size `SessionKeyDerivation` produces.
    static let keySize = Int(crypto_aead_chacha20poly1305_ietf_KEYBYTES)

    /// Writes `header` at `buffer[0..<16]`, encrypts `buffer[16..<16+payloadLength]`
    /// in place under `suite` and writes the tag after it. The caller checked
    /// that `buffer` holds `SealHeader.sealedSize(payloadLength:)` octets and
    /// that this CPU runs `suite` (`SealPolicy.problems`).
    static func seal(suite: Suite, header: SealHeader, payloadLength: Int, key: SecretBytes,
                     buffer: UnsafeMutableRawBufferPointer) {
        header.write(to: buffer)
        // Non-nil: the caller checked the size, and a 32-octet minimum is non-empty.
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var nonce = nonce(counterOctetsOf: UnsafeRawPointer(base))
        let payload = base + SealHeader.size
        let status = withUnsafeBytes(of: &nonce) { noncePointer in
            let nonce = noncePointer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch suite {
            case .aes256GCM:
                return crypto_aead_aes256gcm_encrypt_detached(
                    payload, payload + payloadLength, nil,
                    payload, UInt64(payloadLength),
                    base, UInt64(SealHeader.size),
                    nil, nonce, key.pointer)
            case .chacha20Poly1305:
                return crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                    payload, payload + payloadLength, nil,
                    payload, UInt64(payloadLength),
                    base, UInt64(SealHeader.size),
                    nil, nonce, key.pointer)
            }
        }
        // libsodium only fails for messages longer than 2^38 (ChaCha) or about
        // 2^36 (GCM) octets, or for AES-GCM on a CPU without AES-NI.
        assert(status == 0)
    }

    /// Verifies the tag of the whole sealed `datagram` under `suite` and, only
    /// if it verifies, decrypts the payload in place (`datagram[16..<count-16]`).
    /// libsodium checks the tag before decrypting anything; on failure it
    /// wipes the payload octets instead (both suites), so a forged datagram
    /// never yields plaintext. `datagram.count >= 32` (checked by `SealHeader`).
    static func open(suite: Suite, datagram: UnsafeMutableRawBufferPointer, key: SecretBytes) -> Bool {
        let base = datagram.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let ciphertextLength = datagram.count - SealHeader.size - tagSize
        var nonce = nonce(counterOctetsOf: UnsafeRawPointer(base))
        let ciphertext = base + SealHeader.size
        let status = withUnsafeBytes(of: &nonce) { noncePointer in
            let nonce = noncePointer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch suite {
            case .aes256GCM:
                return crypto_aead_aes256gcm_decrypt_detached(
                    ciphertext, nil,
                    ciphertext, UInt64(ciphertextLength),
                    ciphertext + ciphertextLength,
                    base, UInt64(SealHeader.size),
                    nonce, key.pointer)
            case .chacha20Poly1305:
                return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                    ciphertext, nil,
                    ciphertext, UInt64(ciphertextLength),
                    ciphertext + ciphertextLength,
                    base, UInt64(SealHeader.size),
                    nonce, key.pointer)
            }
        }
        return status == 0
    }

    /// Twelve contiguous octets: four zeros, then header octets 8..<16 as they are.
    private static func nonce(counterOctetsOf header: UnsafeRawPointer) -> (UInt32, UInt32, UInt32) {
        (0,
         header.loadUnaligned(fromByteOffset: 8, as: UInt32.self),
         header.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
    }
}
