import Testing
@testable import Relay

struct RTPHeaderExtensionTests {
    static let fixedHeader = ParserTestBytes.hex("90600001 00000002 00000003")

    func withPacket(extension block: String, payload: [UInt8] = [0xAA],
                    _ body: (RTPPacket) throws -> Void) throws {
        let bytes = Self.fixedHeader + ParserTestBytes.hex(block) + payload
        try bytes.withUnsafeBytes { raw in try body(try RTPPacket(parsing: raw)) }
    }

    /// The layout of RFC 8285 §4.2's figure: ID 1 L=0 (1 byte), ID 2 L=1
    /// (2 bytes), two padding bytes, ID 3 L=3 (4 bytes).
    @Test func oneByteElementsRFC8285Section4_2() throws {
        try withPacket(extension: "bede0003 10aa21bb cc000033 11223344") { packet in
            #expect(packet.headerExtensions.form == .oneByte)
            #expect(packet.headerLength == 28)
            #expect(packet.extensionDataRange == 16 ..< 28)
            #expect(packet.extensionRange(id: 1) == 17 ..< 18)
            #expect(packet.extensionRange(id: 2) == 19 ..< 21)
            #expect(packet.extensionRange(id: 3) == 24 ..< 28)
            #expect(packet.extensionRange(id: 4) == nil)
            #expect(packet.extensionRange(id: 0) == nil)
            #expect(packet.extensionValue(id: 3).map(Array.init) == [0x11, 0x22, 0x33, 0x44])
            #expect(packet.headerExtensions.map(\.id) == [1, 2, 3])
            #expect(packet.payloadRange == 28 ..< 29)
        }
    }

    /// The layout of RFC 8285 §4.3's figure: ID 1 L=0, ID 2 L=1, one padding
    /// byte, ID 3 L=4; two-byte ids above 14 work too.
    @Test func twoByteElementsRFC8285Section4_3() throws {
        try withPacket(extension: "10000003 01000201 aa00dd04 11223344") { packet in
            #expect(packet.headerExtensions.form == .twoByte)
            #expect(packet.extensionRange(id: 1) == 18 ..< 18)
            #expect(packet.extensionRange(id: 2) == 20 ..< 21)
            #expect(packet.extensionRange(id: 0xDD) == 24 ..< 28)
            #expect(packet.extensionValue(id: 0xDD).map(Array.init) == [0x11, 0x22, 0x33, 0x44])
            #expect(packet.headerExtensions.map(\.id) == [1, 2, 0xDD])
        }
    }

    @Test func twoByteProfileAppBitsAreAccepted() throws {
        try withPacket(extension: "100f0001 05015500") { packet in
            #expect(packet.headerExtensions.form == .twoByte)
            #expect(packet.extensionRange(id: 5) == 18 ..< 19)
        }
    }

    @Test func oneByteId15StopsTheWalk() throws {
        try withPacket(extension: "bede0002 10aaf0bb 20cc0000") { packet in
            #expect(packet.extensionRange(id: 1) == 17 ..< 18)
            #expect(packet.extensionRange(id: 2) == nil)
        }
    }

    @Test func elementOverrunningTheBlockEndsTheWalkKeepingEarlierOnes() throws {
        try withPacket(extension: "bede0001 10aa3f00") { packet in
            #expect(packet.extensionRange(id: 1) == 17 ..< 18)
            #expect(packet.extensionRange(id: 3) == nil)
        }
        try withPacket(extension: "10000001 0101aa02") { packet in
            #expect(packet.extensionRange(id: 1) == 18 ..< 19)
            #expect(packet.extensionRange(id: 2) == nil)
        }
    }

    @Test func otherProfilesHaveNoElements() throws {
        try withPacket(extension: "abcd0001 10aa0000") { packet in
            #expect(packet.extensionProfile == 0xABCD)
            #expect(packet.headerExtensions.form == nil)
            #expect(packet.extensionRange(id: 1) == nil)
            #expect(Array(packet.headerExtensions).isEmpty)
        }
    }

    @Test(arguments: [
        (UInt8(0x80 | 42), RTPAudioLevel(voiceActivity: true, level: 42)),
        (UInt8(0x7F), RTPAudioLevel(voiceActivity: false, level: 127)),
        (UInt8(0x00), RTPAudioLevel(voiceActivity: false, level: 0)),
    ])
    func audioLevelRFC6464Section3(_ octet: UInt8, _ expected: RTPAudioLevel) throws {
        let hexOctet = String(octet, radix: 16)
        try withPacket(extension: "bede0001 10" + (hexOctet.count == 1 ? "0" : "") + hexOctet + "0000") { packet in
            #expect(packet.audioLevel(id: 1) == expected)
            #expect(packet.audioLevel(id: 2) == nil)
            #expect(expected.octet == octet)
            #expect(expected.dBov == -Int(octet & 0x7F))
        }
    }

    @Test func midValueIsReturnedAsBytes() throws {
        // MID "audio0" under id 3 (L=5 → 6 bytes), then audio level under id 1.
        try withPacket(extension: "bede0003 35617564 696f3010 d5000000") { packet in
            let mid = try #require(packet.mid(id: 3))
            #expect(mid.elementsEqual("audio0".utf8))
            #expect(packet.audioLevel(id: 1) == RTPAudioLevel(voiceActivity: true, level: 0x55))
        }
    }

    @Test func extensionURIsAreTheNegotiatedOnes() {
        #expect(RTPHeaderExtensionURI.audioLevel == "urn:ietf:params:rtp-hdrext:ssrc-audio-level")
        #expect(RTPHeaderExtensionURI.mid == "urn:ietf:params:rtp-hdrext:sdes:mid")
        #expect(RTPHeaderExtensionURI.transportWideCC.hasSuffix("transport-wide-cc-extensions-01"))
        #expect(RTPHeaderExtensionURI.absoluteSendTime.hasSuffix("abs-send-time"))
    }
}
