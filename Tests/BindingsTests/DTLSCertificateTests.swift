import CDTLS
import CSodium
import Overlay
@testable import Relay
import Testing

/// OpenSSL 3 through `DTLSCertificate`: every property is re-read from the
/// DER bytes with independent OpenSSL calls (and the hash with libsodium),
/// not from the objects the generator built.
@Suite("DTLSCertificate")
struct DTLSCertificateTests {
    /// Parses DER with `d2i_X509`; the caller frees the result.
    private func parse(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
    }

    @Test func fingerprintIsThirtyTwoUpperCaseHexPairs() throws {
        let certificate = try DTLSCertificate()
        let value = certificate.fingerprint.sdpValue
        #expect(value.wholeMatch(of: /([0-9A-F]{2}:){31}[0-9A-F]{2}/) != nil, "got \(value)")
        #expect(certificate.fingerprint.sdpAttributeValue == "sha-256 " + value)
    }

    @Test func fingerprintIsSHA256OfDERComputedIndependently() throws {
        let certificate = try DTLSCertificate()

        Sodium.ensureInitialized()
        var sodiumDigest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        #expect(crypto_hash_sha256(&sodiumDigest, certificate.derEncoded, UInt64(certificate.derEncoded.count)) == 0)
        #expect(certificate.fingerprint.bytes == sodiumDigest)

        let x509 = try #require(parse(certificate.derEncoded))
        defer { X509_free(x509) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        #expect(X509_digest(x509, EVP_sha256(), &digest, &length) == 1)
        #expect(Array(digest.prefix(Int(length))) == certificate.fingerprint.bytes)
    }

    @Test func certificateCarriesP256KeyAndVerifiesAgainstItself() throws {
        let certificate = try DTLSCertificate()
        let x509 = try #require(parse(certificate.derEncoded))
        defer { X509_free(x509) }
        let publicKey = try #require(X509_get0_pubkey(x509))

        #expect(EVP_PKEY_get_base_id(publicKey) == EVP_PKEY_EC)
        #expect(EVP_PKEY_get_bits(publicKey) == 256)
        var group = [CChar](repeating: 0, count: 64)
        var groupLength = 0
        #expect(EVP_PKEY_get_group_name(publicKey, &group, group.count, &groupLength) == 1)
        #expect(String(decoding: group.prefix(groupLength).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1")

        #expect(X509_verify(x509, publicKey) == 1, "self-signature verifies with the embedded key")
        #expect(X509_get_signature_nid(x509) == NID_ecdsa_with_SHA256)
        #expect(X509_check_private_key(certificate.certificate, certificate.privateKey) == 1)
    }

    @Test func certificateIsSelfIssuedV3ForMeridianAndValidNow() throws {
        let certificate = try DTLSCertificate()
        let x509 = try #require(parse(certificate.derEncoded))
        defer { X509_free(x509) }

        #expect(X509_get_version(x509) == Int(X509_VERSION_3))
        var commonName = [CChar](repeating: 0, count: 64)
        let nameLength = X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, &commonName, 64)
        #expect(nameLength == 8)
        #expect(String(decoding: commonName.prefix(Int(max(nameLength, 0))).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "meridian")
        #expect(X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)) == 0)

        #expect(X509_cmp_current_time(X509_get0_notBefore(x509)) < 0, "already valid (backdated a day)")
        #expect(X509_cmp_current_time(X509_get0_notAfter(x509)) > 0, "not yet expired")
        var days: Int32 = 0, seconds: Int32 = 0
        #expect(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(x509), X509_get0_notAfter(x509)) == 1)
        #expect(days == 31 && seconds == 0, "−1 day … +30 days")

        let serial = try #require(X509_get0_serialNumber(x509))
        var serialValue: UInt64 = 0
        #expect(ASN1_INTEGER_get_uint64(&serialValue, serial) == 1, "positive and at most 64 bits")
        #expect(serialValue > 0)
    }

    @Test func eachCertificateHasItsOwnKeySerialAndFingerprint() throws {
        let first = try DTLSCertificate()
        let second = try DTLSCertificate()
        #expect(first.fingerprint != second.fingerprint)
        #expect(first.derEncoded != second.derEncoded)
        let a = try #require(parse(first.derEncoded)), b = try #require(parse(second.derEncoded))
        defer { X509_free(a); X509_free(b) }
        #expect(ASN1_INTEGER_cmp(X509_get0_serialNumber(a), X509_get0_serialNumber(b)) != 0)
        #expect(X509_verify(a, X509_get0_pubkey(b)) != 1, "a certificate does not verify under another key")
        _ = ERR_get_error()
    }

    @Test func nonPositiveValidityIsRejected() {
        #expect(throws: DTLSCertificateError.invalidValidity(days: 0)) { try DTLSCertificate(validityDays: 0) }
    }

    @Test func fingerprintOfAnyDERMatchesSodiumSHA256() throws {
        Sodium.ensureInitialized()
        for bytes in [[], [0x30, 0x00], (0 ..< 1_000).map { UInt8(truncatingIfNeeded: $0) }] as [[UInt8]] {
            var expected = [UInt8](repeating: 0, count: 32)
            _ = crypto_hash_sha256(&expected, bytes, UInt64(bytes.count))
            #expect(try CertificateFingerprint(derCertificate: bytes).bytes == expected)
        }
        // FIPS 180-2 / NIST example: SHA-256("") = e3b0c442…
        #expect(try CertificateFingerprint(derCertificate: []).sdpValue.hasPrefix("E3:B0:C4:42:98:FC:1C:14"))
    }

    @Test func sdpFingerprintParsesBackAndRejectsMalformedValues() throws {
        let fingerprint = try DTLSCertificate().fingerprint
        #expect(CertificateFingerprint(sdpValue: fingerprint.sdpValue) == fingerprint)
        #expect(CertificateFingerprint(sdpValue: fingerprint.sdpValue.lowercased()) == fingerprint)

        let pairs = fingerprint.sdpValue.split(separator: ":").map(String.init)
        let malformed = [
            "",
            pairs.dropLast().joined(separator: ":"),            // 31 pairs
            (pairs + ["00"]).joined(separator: ":"),            // 33 pairs
            (["+F"] + pairs.dropFirst()).joined(separator: ":"),
            (["GG"] + pairs.dropFirst()).joined(separator: ":"),
            (["ABC"] + pairs.dropFirst()).joined(separator: ":"),
            fingerprint.sdpValue + ":",
            String(fingerprint.sdpValue.map { $0 == ":" ? "-" : $0 }),
        ]
        for value in malformed {
            #expect(CertificateFingerprint(sdpValue: value) == nil, "accepted \(value)")
        }
    }
}
