import Relay
import Testing

/// RFC 5764 §4.2 key splitting: `client key | server key | client salt | server salt`.
@Suite("DTLS-SRTP keying material")
struct SRTPKeyingMaterialTests {
    private func counting(_ count: Int) -> [UInt8] { (0 ..< count).map { UInt8($0) } }

    @Test func profileConstantsMatchRFC5764AndRFC7714() {
        #expect(SRTPProfile.aesCM128HMACSHA1_80.protectionProfileID == 0x0001)
        #expect(SRTPProfile.aeadAES128GCM.protectionProfileID == 0x0007)
        #expect(SRTPProfile(protectionProfileID: 0x0007) == .aeadAES128GCM)
        #expect(SRTPProfile(protectionProfileID: 0x0002) == nil, "32-bit tags are not offered")
        #expect(SRTPProfile.aesCM128HMACSHA1_80.keyingMaterialLength == 60)
        #expect(SRTPProfile.aeadAES128GCM.keyingMaterialLength == 56)
        #expect(SRTPProfile.exporterLabel == "EXTRACTOR-dtls_srtp")
    }

    @Test func clientTakesClientWriteKeysAsLocalForAESCM() throws {
        let material = try SRTPKeyingMaterial(exported: counting(60), profile: .aesCM128HMACSHA1_80, role: .client)
        #expect(material.localMasterKey == Array(0 ..< 16))
        #expect(material.remoteMasterKey == Array(16 ..< 32))
        #expect(material.localMasterSalt == Array(32 ..< 46))
        #expect(material.remoteMasterSalt == Array(46 ..< 60))
    }

    @Test func serverTakesServerWriteKeysAsLocalForAESCM() throws {
        let material = try SRTPKeyingMaterial(exported: counting(60), profile: .aesCM128HMACSHA1_80, role: .server)
        #expect(material.localMasterKey == Array(16 ..< 32))
        #expect(material.remoteMasterKey == Array(0 ..< 16))
        #expect(material.localMasterSalt == Array(46 ..< 60))
        #expect(material.remoteMasterSalt == Array(32 ..< 46))
    }

    @Test func gcmSplitsWithTwelveByteSalts() throws {
        let client = try SRTPKeyingMaterial(exported: counting(56), profile: .aeadAES128GCM, role: .client)
        #expect(client.localMasterKey == Array(0 ..< 16))
        #expect(client.remoteMasterKey == Array(16 ..< 32))
        #expect(client.localMasterSalt == Array(32 ..< 44))
        #expect(client.remoteMasterSalt == Array(44 ..< 56))
        let server = try SRTPKeyingMaterial(exported: counting(56), profile: .aeadAES128GCM, role: .server)
        #expect(server.localMasterKey == client.remoteMasterKey)
        #expect(server.localMasterSalt == client.remoteMasterSalt)
        #expect(server.remoteMasterKey == client.localMasterKey)
        #expect(server.remoteMasterSalt == client.localMasterSalt)
    }

    @Test(arguments: [0, 55, 57, 60])
    func gcmMaterialOfWrongLengthIsRejected(length: Int) {
        #expect(throws: SRTPError.invalidKeyingMaterialLength(expected: 56, actual: length)) {
            try SRTPKeyingMaterial(exported: counting(length), profile: .aeadAES128GCM, role: .client)
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func clientAndServerSessionsFromOneExportTalkBothWays(profile: SRTPProfile) throws {
        let exported = (0 ..< profile.keyingMaterialLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let client = try SRTPKeyingMaterial(exported: exported, profile: profile, role: .client)
        let server = try SRTPKeyingMaterial(exported: exported, profile: profile, role: .server)

        let toServer = try client.makeOutboundSession().protect(rtp: SRTPPackets.rtp(sequence: 1))
        #expect(try server.makeInboundSession().unprotect(rtp: toServer) == SRTPPackets.rtp(sequence: 1))

        let toClient = try server.makeOutboundSession().protectRTCP(SRTPPackets.rtcpReceiverReport())
        #expect(try client.makeInboundSession().unprotectRTCP(toClient) == SRTPPackets.rtcpReceiverReport())

        // A session keyed with its own side's write key cannot read its own traffic back.
        #expect(throws: SRTPError.authenticationFailed) {
            try client.makeInboundSession().unprotect(rtp: toServer)
        }
    }
}
