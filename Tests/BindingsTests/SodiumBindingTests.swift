import CSodium
import Overlay
import Testing

/// libsodium through the `CSodium` module map: the AEAD that seals cascade
/// frames and the key exchange that derives per-link keys.
@Suite("libsodium bindings")
struct SodiumBindingTests {
    init() { Sodium.ensureInitialized() }

    private func seal(_ message: [UInt8], ad: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        var ciphertext = [UInt8](repeating: 0, count: message.count + Int(crypto_aead_xchacha20poly1305_ietf_ABYTES))
        var length: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &ciphertext, &length, message, UInt64(message.count), ad, UInt64(ad.count), nil, nonce, key)
        #expect(status == 0)
        return Array(ciphertext.prefix(Int(length)))
    }

    private func open(_ ciphertext: [UInt8], ad: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        var message = [UInt8](repeating: 0, count: max(ciphertext.count, 1))
        var length: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &message, &length, nil, ciphertext, UInt64(ciphertext.count), ad, UInt64(ad.count), nonce, key)
        return status == 0 ? Array(message.prefix(Int(length))) : nil
    }

    @Test func xchachaKnownAnswerDraftIRTFCFRGXChaCha03A31() {
        // draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305).
        let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let ad = hex("50515253c0c1c2c3c4c5c6c7")
        let key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
        let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
        let expectedCiphertext = hex("""
            bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
            731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
            2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
            21f9664c97637da9768812f615c68b13b52e
            """)
        let expectedTag = hex("c0875924c1c7987947deafd8780acf49")

        let sealed = seal(plaintext, ad: ad, nonce: nonce, key: key)
        #expect(hexString(sealed) == hexString(expectedCiphertext + expectedTag))
        #expect(open(expectedCiphertext + expectedTag, ad: ad, nonce: nonce, key: key) == plaintext)
    }

    @Test func xchachaRoundTripRecoversPlaintext() {
        var key = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))
        crypto_aead_xchacha20poly1305_ietf_keygen(&key)
        var nonce = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES))
        randombytes_buf(&nonce, nonce.count)
        let message = (0 ..< 1_100).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let ad = Array("conference-7/fra-1".utf8)

        let sealed = seal(message, ad: ad, nonce: nonce, key: key)
        #expect(sealed.count == message.count + 16)
        #expect(Array(sealed.prefix(message.count)) != message)
        #expect(open(sealed, ad: ad, nonce: nonce, key: key) == message)
    }

    @Test func xchachaRejectsTamperedCiphertextTagOrAssociatedData() {
        let key = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](repeating: 9, count: 24)
        let ad = Array("header".utf8)
        let sealed = seal(Array("media frame".utf8), ad: ad, nonce: nonce, key: key)

        var flippedBody = sealed
        flippedBody[0] ^= 0x01
        #expect(open(flippedBody, ad: ad, nonce: nonce, key: key) == nil)

        var flippedTag = sealed
        flippedTag[flippedTag.count - 1] ^= 0x80
        #expect(open(flippedTag, ad: ad, nonce: nonce, key: key) == nil)

        #expect(open(sealed, ad: Array("Header".utf8), nonce: nonce, key: key) == nil)
        #expect(open(Array(sealed.dropLast()), ad: ad, nonce: nonce, key: key) == nil)
        #expect(open(sealed, ad: ad, nonce: nonce, key: key) == Array("media frame".utf8))
    }

    @Test func kxClientAndServerDeriveMatchingSessionKeys() {
        let client = KeyPair.generate()
        let server = KeyPair.generate()
        let keyLength = Int(crypto_kx_SESSIONKEYBYTES)
        var clientRx = [UInt8](repeating: 0, count: keyLength), clientTx = clientRx
        var serverRx = clientRx, serverTx = clientRx

        #expect(crypto_kx_client_session_keys(&clientRx, &clientTx, client.publicKey.bytes,
                                              client.secretKey, server.publicKey.bytes) == 0)
        #expect(crypto_kx_server_session_keys(&serverRx, &serverTx, server.publicKey.bytes,
                                              server.secretKey, client.publicKey.bytes) == 0)

        #expect(clientRx == serverTx)
        #expect(clientTx == serverRx)
        #expect(clientRx != clientTx)
        #expect(clientRx != [UInt8](repeating: 0, count: keyLength))
    }

    @Test func kxRejectsServerPublicKeyOfLowOrder() {
        // The all-zero point has small order; libsodium refuses to derive
        // keys from it instead of yielding a predictable shared secret.
        let client = KeyPair.generate()
        var rx = [UInt8](repeating: 0, count: 32), tx = rx
        let zeroPoint = [UInt8](repeating: 0, count: 32)
        #expect(crypto_kx_client_session_keys(&rx, &tx, client.publicKey.bytes, client.secretKey, zeroPoint) != 0)
    }
}
