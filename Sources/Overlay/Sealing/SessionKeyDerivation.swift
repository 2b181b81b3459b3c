import CSodium

/// An X25519 key pair for one handshake attempt. Generated fresh for every
/// hello and every hello-ack (so per boot and per rekey), used once, and wiped
/// when the attempt ends: after that, not even both bridges' cascade private
/// keys recover the session keys it produced.
///
/// Concurrency: single-threaded, like the `SealRegistry` that owns it.
final class EphemeralKey {
    let publicKey: [UInt8]
    private let secret: SecretBytes

    /// A fresh pair from libsodium's CSPRNG.
    init() {
        Sodium.ensureInitialized()
        secret = SecretBytes(zeroed: Int(crypto_scalarmult_SCALARBYTES))
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        let status = crypto_kx_keypair(&publicKey, secret.pointer)
        assert(status == 0)
        self.publicKey = publicKey
    }

    /// A fixed pair, for known-answer tests.
    init(secret bytes: [UInt8]) {
        Sodium.ensureInitialized()
        secret = SecretBytes(copying: bytes)
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        let status = crypto_scalarmult_base(&publicKey, secret.pointer)
        assert(status == 0)
        self.publicKey = publicKey
    }

    /// X25519 with the peer's ephemeral key; `nil` for a low-order point
    /// (libsodium refuses an all-zero result).
    func sharedSecret(with peer: [UInt8]) -> SecretBytes? {
        guard peer.count == Int(crypto_scalarmult_BYTES) else { return nil }
        let shared = SecretBytes(zeroed: Int(crypto_scalarmult_BYTES))
        guard crypto_scalarmult(shared.pointer, secret.pointer, peer) == 0 else { return nil }
        return shared
    }
}

@available(*, unavailable)
extension EphemeralKey: Sendable {}

/// Turns one completed handshake into the two directional session keys:
///
///     dh  = X25519(own ephemeral secret, peer ephemeral public)
///     th  = BLAKE2b-256(hello ‖ hello-ack)                  (both whole messages)
///     okm = BLAKE2b-512(key: crypto_kx c→s ‖ s→c,           (StaticLinkSecrets.binding)
///                       message: "meridian-seal-v1" ‖ dh ‖ th)
///     initiator→responder = okm[0..<32], responder→initiator = okm[32..<64]
///
/// The static `crypto_kx` keys make the result specific to this pair of
/// bridges; `dh` makes it fresh and forward-secret (both ephemerals are new for
/// every attempt); `th` binds it to everything the handshake said — both
/// ephemerals, both boot ids, the link indexes and key ids — so a bridge that
/// restarts gets keys it never had before and can never repeat a nonce under
/// an old key.
enum SessionKeyDerivation {
    static let label = Array("meridian-seal-v1".utf8)

    struct Keys {
        let initiatorToResponder: SecretBytes
        let responderToInitiator: SecretBytes
    }

    /// `nil` when the peer's ephemeral key is a low-order point.
    static func derive(binding: SecretBytes, ephemeral: EphemeralKey, peerEphemeral: [UInt8],
                       hello: [UInt8], helloAck: [UInt8]) -> Keys? {
        guard let dh = ephemeral.sharedSecret(with: peerEphemeral) else { return nil }
        var transcriptHash = [UInt8](repeating: 0, count: 32)
        let transcript = hello + helloAck
        var status = crypto_generichash(&transcriptHash, 32, transcript, UInt64(transcript.count), nil, 0)
        assert(status == 0)

        let input = SecretBytes(zeroed: label.count + dh.count + transcriptHash.count)
        input.pointer.update(from: label, count: label.count)
        (input.pointer + label.count).update(from: dh.pointer, count: dh.count)
        (input.pointer + label.count + dh.count).update(from: transcriptHash, count: transcriptHash.count)

        let okm = SecretBytes(zeroed: 64)
        status = crypto_generichash(okm.pointer, okm.count, input.pointer, UInt64(input.count),
                                    binding.pointer, binding.count)
        assert(status == 0)
        let forward = SecretBytes(zeroed: EnvelopeCipher.keySize)
        let backward = SecretBytes(zeroed: EnvelopeCipher.keySize)
        forward.pointer.update(from: okm.pointer, count: EnvelopeCipher.keySize)
        backward.pointer.update(from: okm.pointer + EnvelopeCipher.keySize, count: EnvelopeCipher.keySize)
        return Keys(initiatorToResponder: forward, responderToInitiator: backward)
    }
}
