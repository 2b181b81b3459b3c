import CSodium

/// The AEAD of a sealed datagram: ChaCha20-Poly1305 (IETF, RFC 8439) with a
/// counter nonce, associated data = the 16-octet `SealHeader`.
///
/// Why ChaCha20-Poly1305-IETF with counter nonces and not XChaCha20-Poly1305:
/// XChaCha's 192-bit nonce exists so that *random* nonces are safe. Meridian
/// never needs random nonces: every session key is fresh (derived from a
/// per-handshake ephemeral exchange) and used in one direction only, so a
/// per-key message counter is unique by construction — a restarted bridge
/// cannot repeat a nonce because it cannot get an old key back. The counter
/// must travel anyway as the replay-window sequence, so the wire carries 8
/// octets instead of 24, and each packet skips XChaCha's extra HChaCha20 block.
/// The 96-bit nonce is `0x00000000 ‖ counter` (the header's counter octets,
/// big-endian, left-padded with four zero octets). A 64-bit counter leaves the
/// nonce space unreachable; `SealPolicy` rekeys long before.
///
/// Both operations work in place on the caller's buffer and allocate nothing.
enum EnvelopeCipher {
    static let tagSize = Int(crypto_aead_chacha20poly1305_ietf_ABYTES)
    static let keySize = Int(crypto_aead_chacha20poly1305_ietf_KEYBYTES)

    /// Writes `header` at `buffer[0..<16]`, encrypts `buffer[16..<16+payloadLength]`
    /// in place and writes the tag after it. The caller checked that `buffer`
    /// holds `SealHeader.sealedSize(payloadLength:)` octets.
    static func seal(header: SealHeader, payloadLength: Int, key: SecretBytes,
                     buffer: UnsafeMutableRawBufferPointer) {
        header.write(to: buffer)
        // Non-nil: the caller checked the size, and a 32-octet minimum is non-empty.
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var nonce = nonce(counterOctetsOf: UnsafeRawPointer(base))
        let payload = base + SealHeader.size
        let status = withUnsafeBytes(of: &nonce) { noncePointer in
            crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                payload, payload + payloadLength, nil,
                payload, UInt64(payloadLength),
                base, UInt64(SealHeader.size),
                nil, noncePointer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                key.pointer)
        }
        // libsodium only fails for messages longer than 2^38 octets.
        assert(status == 0)
    }

    /// Verifies the tag of the whole sealed `datagram` and, only if it
    /// verifies, decrypts the payload in place (`datagram[16..<count-16]`).
    /// libsodium checks the tag before decrypting anything; on failure it
    /// wipes the payload octets instead, so a forged datagram never yields
    /// plaintext. `datagram.count >= 32` (checked by `SealHeader`).
    static func open(datagram: UnsafeMutableRawBufferPointer, key: SecretBytes) -> Bool {
        let base = datagram.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let ciphertextLength = datagram.count - SealHeader.size - tagSize
        var nonce = nonce(counterOctetsOf: UnsafeRawPointer(base))
        let ciphertext = base + SealHeader.size
        let status = withUnsafeBytes(of: &nonce) { noncePointer in
            crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                ciphertext, nil,
                ciphertext, UInt64(ciphertextLength),
                ciphertext + ciphertextLength,
                base, UInt64(SealHeader.size),
                noncePointer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                key.pointer)
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
