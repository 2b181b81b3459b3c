import CSodium
import Testing
@testable import Overlay

/// The sealed envelope: the two AEAD primitives, the header layout and pinned
/// known-answer vectors for Meridian's own format under each suite.
@Suite struct SealingEnvelopeTests {
    /// RFC 8439 §2.8.2: checks that the libsodium function Meridian seals with
    /// is the IETF ChaCha20-Poly1305 the RFC defines.
    @Test func chachaPolyKnownAnswerRFC8439Section2_8_2() {
        Sodium.ensureInitialized()
        let key = (0x80...0x9f).map { UInt8($0) }
        let nonce = SealingFixture.bytes(hex: "070000004041424344454647")
        let aad = SealingFixture.bytes(hex: "50515253c0c1c2c3c4c5c6c7")
        let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let expectedCiphertext = SealingFixture.bytes(hex: """
            d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
            3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
            92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
            3ff4def08e4b7a9de576d26586cec64b6116
            """)
        let expectedTag = SealingFixture.bytes(hex: "1ae10b594f09e26a7e902ecbd0600691")

        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: 16)
        let status = crypto_aead_chacha20poly1305_ietf_encrypt_detached(
            &ciphertext, &tag, nil, plaintext, UInt64(plaintext.count), aad, UInt64(aad.count), nil, nonce, key)
        #expect(status == 0)
        #expect(ciphertext == expectedCiphertext)
        #expect(tag == expectedTag)
    }

    /// The GCM specification's Test Case 16 (McGrew & Viega, "The Galois/Counter
    /// Mode of Operation", AES-256, 96-bit IV, with AAD): checks that the libsodium
    /// function Meridian seals with under `.aes256GCM` is standard AES-256-GCM.
    @Test(.enabled(if: EnvelopeCipher.Suite.aes256GCM.isAvailable, "AES-256-GCM needs AES-NI and PCLMULQDQ"))
    func aesGCMKnownAnswerMcGrewViegaTestCase16() {
        let key = SealingFixture.bytes(hex: "feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
        let nonce = SealingFixture.bytes(hex: "cafebabefacedbaddecaf888")
        let aad = SealingFixture.bytes(hex: "feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let plaintext = SealingFixture.bytes(hex: """
            d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
            1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
            """)
        let expectedCiphertext = SealingFixture.bytes(hex: """
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
            """)
        let expectedTag = SealingFixture.bytes(hex: "76fc6ece0f4e1768cddf8853bb2d551b")

        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: 16)
        let status = crypto_aead_aes256gcm_encrypt_detached(
            &ciphertext, &tag, nil, plaintext, UInt64(plaintext.count), aad, UInt64(aad.count), nil, nonce, key)
        #expect(status == 0)
        #expect(ciphertext == expectedCiphertext)
        #expect(tag == expectedTag)
    }

    /// The envelope relies on both suites having the same key, nonce and tag sizes.
    @Test func bothSuitesShareKeyNonceAndTagSizes() {
        #expect(crypto_aead_aes256gcm_KEYBYTES == crypto_aead_chacha20poly1305_ietf_KEYBYTES)
        #expect(crypto_aead_aes256gcm_NPUBBYTES == crypto_aead_chacha20poly1305_ietf_NPUBBYTES)
        #expect(crypto_aead_aes256gcm_ABYTES == crypto_aead_chacha20poly1305_ietf_ABYTES)
        #expect(EnvelopeCipher.keySize == 32 && EnvelopeCipher.tagSize == 16)
    }

    static let kaKey = (0..<32).map { UInt8($0) }
    static let kaHeader = SealHeader(type: .data, keyId: 7, linkIndex: 0x0A0B_0C0D, counter: 0x0102_0304_0506_0708)
    static let kaPayload = Array("meridian cascade".utf8)
    /// Pinned per suite. ChaCha20-Poly1305: computed once with this
    /// implementation; AES-256-GCM: computed with raw libsodium from the
    /// documented nonce and associated data. Both are cross-checked below.
    static let kaHeaderHex = "010107000a0b0c0d0102030405060708"
    static let kaSealed: [EnvelopeCipher.Suite: String] = [
        .chacha20Poly1305: kaHeaderHex
            + "8283d791c1e5c9f230dc89a5e98d433b"                       // ciphertext of "meridian cascade"
            + "aa04fccb6172e0b8a44a3df24e81a464",                      // Poly1305 tag
        .aes256GCM: kaHeaderHex
            + "69341767b98868f023fc9c9c7d065d95"                       // ciphertext of "meridian cascade"
            + "3e3611400ef622b8f3df04d6605a6e23",                      // GCM tag
    ]

    private func sealKnownAnswer(_ suite: EnvelopeCipher.Suite) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: SealHeader.sealedSize(payloadLength: Self.kaPayload.count))
        buffer.replaceSubrange(16..<(16 + Self.kaPayload.count), with: Self.kaPayload)
        let key = SecretBytes(copying: Self.kaKey)
        buffer.withUnsafeMutableBytes {
            EnvelopeCipher.seal(suite: suite, header: Self.kaHeader, payloadLength: Self.kaPayload.count,
                                key: key, buffer: $0)
        }
        return buffer
    }

    @Test(arguments: SealingFixture.suites)
    func envelopeKnownAnswerMeridianV1Pinned(suite: EnvelopeCipher.Suite) {
        let sealed = sealKnownAnswer(suite)
        #expect(sealed.count == 16 + 16 + 16)
        #expect(SealingFixture.hex(sealed) == Self.kaSealed[suite])
    }

    @Test(arguments: SealingFixture.suites)
    func envelopeKnownAnswerMatchesRawLibsodium(suite: EnvelopeCipher.Suite) {
        let sealed = sealKnownAnswer(suite)
        // Independent: header octets written by hand, nonce = 4 zero octets ‖ counter (BE).
        let header = SealingFixture.bytes(hex: "01 01 07 00 0a0b0c0d 0102030405060708")
        let nonce = SealingFixture.bytes(hex: "00000000 0102030405060708")
        var ciphertext = [UInt8](repeating: 0, count: Self.kaPayload.count)
        var tag = [UInt8](repeating: 0, count: 16)
        let status = suite == .aes256GCM
            ? crypto_aead_aes256gcm_encrypt_detached(
                &ciphertext, &tag, nil, Self.kaPayload, UInt64(Self.kaPayload.count),
                header, UInt64(header.count), nil, nonce, Self.kaKey)
            : crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                &ciphertext, &tag, nil, Self.kaPayload, UInt64(Self.kaPayload.count),
                header, UInt64(header.count), nil, nonce, Self.kaKey)
        #expect(status == 0)
        #expect(sealed == header + ciphertext + tag)
    }

    @Test(arguments: SealingFixture.suites)
    func envelopeKnownAnswerOpensInPlace(suite: EnvelopeCipher.Suite) {
        var sealed = sealKnownAnswer(suite)
        let key = SecretBytes(copying: Self.kaKey)
        let opened = sealed.withUnsafeMutableBytes { EnvelopeCipher.open(suite: suite, datagram: $0, key: key) }
        #expect(opened)
        #expect(Array(sealed[16..<(sealed.count - 16)]) == Self.kaPayload)
    }

    /// Same key, same nonce, other suite: the tag does not verify.
    @Test(arguments: SealingFixture.suites)
    func envelopeDoesNotOpenUnderTheOtherSuite(suite: EnvelopeCipher.Suite) {
        guard let other = SealingFixture.suites.first(where: { $0 != suite }) else { return }
        var sealed = sealKnownAnswer(suite)
        let key = SecretBytes(copying: Self.kaKey)
        #expect(!sealed.withUnsafeMutableBytes { EnvelopeCipher.open(suite: other, datagram: $0, key: key) })
    }

    @Test(arguments: SealingFixture.suites)
    func forgedDatagramIsNeverDecrypted(suite: EnvelopeCipher.Suite) {
        var sealed = sealKnownAnswer(suite)
        sealed[20] ^= 0x01
        let header = Array(sealed[..<16])
        let key = SecretBytes(copying: Self.kaKey)
        let opened = sealed.withUnsafeMutableBytes { EnvelopeCipher.open(suite: suite, datagram: $0, key: key) }
        #expect(!opened)
        #expect(Array(sealed[..<16]) == header)
        // libsodium checks the tag first and wipes the output on failure: no plaintext leaks.
        #expect(sealed[16..<32].allSatisfy { $0 == 0 })
    }

    @Test func headerWritesAndParsesEveryField() {
        var bytes = [UInt8](repeating: 0xEE, count: 32)
        let header = SealHeader(type: .confirm, keyId: 0xFE, linkIndex: 0xDEAD_BEEF, counter: .max - 1)
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        #expect(SealingFixture.hex(Array(bytes[..<16])) == "0102fe00deadbeeffffffffffffffffe")
        #expect(bytes[16...].allSatisfy { $0 == 0xEE })
        #expect(Self.parse(bytes) == .success(header))
    }

    @Test(arguments: [
        (0, UInt8(2), SealDropReason.malformed),   // version 2
        (1, UInt8(3), SealDropReason.malformed),   // hello type inside a sealed envelope
        (1, UInt8(4), SealDropReason.malformed),   // hello-ack type
        (1, UInt8(0), SealDropReason.malformed),   // unknown type
        (1, UInt8(9), SealDropReason.malformed),   // unknown type
        (3, UInt8(1), SealDropReason.malformed),   // reserved octet set
    ])
    func headerRejectsMalformedOctets(offset: Int, value: UInt8, reason: SealDropReason) {
        var bytes = sealKnownAnswer(.chacha20Poly1305)
        bytes[offset] = value
        #expect(Self.parse(bytes) == .failure(reason))
    }

    @Test func headerRejectsEveryLengthBelowHeaderPlusTag() {
        let bytes = sealKnownAnswer(.chacha20Poly1305)
        for length in 0..<32 {
            #expect(Self.parse(Array(bytes[..<length])) == .failure(.truncated), "length \(length)")
        }
    }

    private static func parse(_ bytes: [UInt8]) -> Result<SealHeader, SealDropReason> {
        bytes.withUnsafeBytes { raw in
            do throws(SealDropReason) {
                return .success(try SealHeader(parsing: raw))
            } catch {
                return .failure(error)
            }
        }
    }
}
