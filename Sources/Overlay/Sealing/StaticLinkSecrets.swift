import CSodium
import Topology

/// What two bridges share because of their static cascade keys alone: the
/// `crypto_kx` session keys of the pair, the handshake MAC keys derived from
/// them, and the 64-octet binding key that ties every session key to the pair.
///
/// These never encrypt media. They authenticate hellos and hello-acks (so no
/// one without a bridge's cascade private key can inject an ephemeral key) and
/// key the hash that turns the ephemeral exchange into session keys
/// (`SessionKeyDerivation`). They are the same after every restart — which is
/// why nothing is ever sealed with them directly.
///
/// `crypto_kx` needs a client and a server: the bridge whose id sorts first
/// (UTF-8 octets, lexicographically) is the client. Both sides compute the
/// same roles from the topology, with no negotiation.
///
/// Concurrency: immutable after `init`.
final class StaticLinkSecrets {
    /// The MAC key for handshake messages this bridge sends to the peer.
    let sendMACKey: SecretBytes
    /// The MAC key for handshake messages the peer sends to this bridge.
    let receiveMACKey: SecretBytes
    /// `client→server ‖ server→client` `crypto_kx` keys, the same octets on both sides.
    let binding: SecretBytes

    /// `crypto_kdf` context for the handshake MAC keys (8 octets, fixed).
    static let macContext = "MrdnHsMc"

    /// `nil` when libsodium rejects the peer's public key (a low-order point).
    init?(localId: String, local: KeyPair, peerId: String, peer: PublicKey) {
        Sodium.ensureInitialized()
        let localIsClient = StaticLinkSecrets.isClient(localId: localId, peerId: peerId)
        let rx = SecretBytes(zeroed: Int(crypto_kx_SESSIONKEYBYTES))
        let tx = SecretBytes(zeroed: Int(crypto_kx_SESSIONKEYBYTES))
        let status: Int32 = local.secretKey.withUnsafeBufferPointer { secret in
            if localIsClient {
                return crypto_kx_client_session_keys(rx.pointer, tx.pointer, local.publicKey.bytes,
                                                     secret.baseAddress!, peer.bytes)
            }
            return crypto_kx_server_session_keys(rx.pointer, tx.pointer, local.publicKey.bytes,
                                                 secret.baseAddress!, peer.bytes)
        }
        guard status == 0 else { return nil }
        sendMACKey = StaticLinkSecrets.macKey(from: tx)
        receiveMACKey = StaticLinkSecrets.macKey(from: rx)
        let clientToServer = localIsClient ? tx : rx
        let serverToClient = localIsClient ? rx : tx
        binding = SecretBytes(zeroed: 2 * Int(crypto_kx_SESSIONKEYBYTES))
        binding.pointer.update(from: clientToServer.pointer, count: clientToServer.count)
        (binding.pointer + clientToServer.count).update(from: serverToClient.pointer, count: serverToClient.count)
    }

    static func isClient(localId: String, peerId: String) -> Bool {
        Array(localId.utf8).lexicographicallyPrecedes(peerId.utf8)
    }

    private static func macKey(from directional: SecretBytes) -> SecretBytes {
        let key = SecretBytes(zeroed: 32)
        let status = crypto_kdf_derive_from_key(key.pointer, key.count, 1, macContext, directional.pointer)
        assert(status == 0)
        return key
    }

    /// BLAKE2b-128 keyed with `key` over `message`.
    static func mac(_ message: [UInt8], key: SecretBytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: HandshakeHello.macSize)
        let status = crypto_generichash(&out, out.count, message, UInt64(message.count), key.pointer, key.count)
        assert(status == 0)
        return out
    }

    /// Constant-time comparison of a received MAC with the expected one.
    static func verify(mac received: ArraySlice<UInt8>, over message: [UInt8], key: SecretBytes) -> Bool {
        let expected = mac(message, key: key)
        guard received.count == expected.count else { return false }
        return received.withUnsafeBufferPointer { receivedPointer in
            sodium_memcmp(receivedPointer.baseAddress!, expected, expected.count) == 0
        }
    }
}

@available(*, unavailable)
extension StaticLinkSecrets: Sendable {}
