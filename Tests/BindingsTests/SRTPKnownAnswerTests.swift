import Relay
import Testing

/// Known-answer tests: exact SRTP/SRTCP bytes for fixed keys and packets.
///
/// Which vectors, and why: RFC 7714 §16 gives AEAD_AES_128_GCM examples in
/// terms of the *session* encryption key and salt, which are the inputs of the
/// AEAD itself. libsrtp only accepts *master* keys and always runs the
/// RFC 3711 §4.3 key derivation on them, so the RFC 7714 packets cannot be
/// reproduced through libsrtp's public API (there is no way to hand it a
/// session key). We therefore use the reference packets libsrtp's own test
/// driver validates against (`test/srtp_driver.c`):
///
/// - AES_CM_128_HMAC_SHA1_80: `srtp_validate()`, keyed with the master key
///   and salt of RFC 3711 Appendix B.3 (`E1F97A0D…` / `0EC675AD…`), so the
///   key derivation it exercises is the RFC's own test case;
/// - AEAD_AES_128_GCM: `srtp_validate_gcm()` (master key 00…0F, master salt
///   A0…AB), which pins libsrtp's RFC 7714 IV formation, AAD and tag.
///
/// Both check RTP and RTCP, in both directions.
@Suite("SRTP known answers")
struct SRTPKnownAnswerTests {
    /// RTP: V=2, PT 15, seq 0x1234, ts 0xDECAFBAD, SSRC 0xCAFEBABE, 16 × 0xAB.
    static let rtpPlaintext = hex("800f1234decafbadcafebabe") + [UInt8](repeating: 0xAB, count: 16)
    /// RTCP: SR header with SSRC 0xCAFEBABE, 16 × 0xAB.
    static let rtcpPlaintext = hex("81c8000bcafebabe") + [UInt8](repeating: 0xAB, count: 16)

    private func check(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8],
                       srtp expectedSRTP: [UInt8], srtcp expectedSRTCP: [UInt8]) throws {
        let sender = try SRTPSession(profile: profile, direction: .outbound, masterKey: masterKey, masterSalt: masterSalt)
        #expect(hexString(try sender.protect(rtp: Self.rtpPlaintext)) == hexString(expectedSRTP))
        #expect(hexString(try sender.protectRTCP(Self.rtcpPlaintext)) == hexString(expectedSRTCP))

        let receiver = try SRTPSession(profile: profile, direction: .inbound, masterKey: masterKey, masterSalt: masterSalt)
        #expect(try receiver.unprotect(rtp: expectedSRTP) == Self.rtpPlaintext)
        #expect(try receiver.unprotectRTCP(expectedSRTCP) == Self.rtcpPlaintext)
    }

    @Test func aesCM128HMACSHA180KnownAnswerRFC3711B3KeysLibsrtpValidate() throws {
        try check(profile: .aesCM128HMACSHA1_80,
                  masterKey: hex("e1f97a0d3e018be0d64fa32c06de4139"),
                  masterSalt: hex("0ec675ad498afeebb6960b3aabe6"),
                  srtp: hex("""
                      800f1234decafbadcafebabe
                      4e55dc4ce79978d88ca4d215949d2402
                      b78d6acc99ea179b8dbb
                      """),
                  srtcp: hex("""
                      81c8000bcafebabe
                      7128035be487b9bdbef89041f977a5a8
                      80000001
                      993e08cd54d6c1230798
                      """))
    }

    @Test func aeadAES128GCMKnownAnswerLibsrtpValidateGCM() throws {
        try check(profile: .aeadAES128GCM,
                  masterKey: hex("000102030405060708090a0b0c0d0e0f"),
                  masterSalt: hex("a0a1a2a3a4a5a6a7a8a9aaab"),
                  srtp: hex("""
                      800f1234decafbadcafebabe
                      c5002ede04cfdd2eb91159e0880aa06e
                      d2976826f796b201df3131a127e8a392
                      """),
                  srtcp: hex("""
                      81c8000bcafebabe
                      c98b8b5df0392a55852b6c21ac8e7025
                      c52c6fbea2b3b446ea31123ba88ce61e
                      80000001
                      """))
    }
}
