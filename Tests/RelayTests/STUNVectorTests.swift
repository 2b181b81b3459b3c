import Testing
@testable import Relay

/// RFC 5769 §2.1–2.3: parse, verify MESSAGE-INTEGRITY and FINGERPRINT, and
/// re-encode to the exact bytes (with the vectors' 0x20 padding).
struct STUNVectorTests {
    let key = STUNMessageIntegrity.shortTermKey(password: STUNTestVectors.password)

    @Test func stunSampleRequestFieldsRFC5769Section2_1() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID.bytes == STUNTestVectors.transactionID)
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.iceControlling == nil)
        #expect(message.username == "evtj:h6vY")
        #expect(!message.useCandidate)
        #expect(message.hasMessageIntegrity)
        #expect(message.hasFingerprint)
        #expect(message.unknownComprehensionRequired.isEmpty)
        #expect(message.attributes.map(\.type) == [.software, .priority, .iceControlled, .username])
    }

    @Test func stunIntegrityRFC5769Sample1Request() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleRequest)
        #expect(message.verifyMessageIntegrity(key: key))
        #expect(message.verifyFingerprint())
    }

    @Test func stunReencodesRFC5769Sample1RequestExactly() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleRequest)
        let encoded = try message.encoded(messageIntegrityKey: key, fingerprint: true, padding: 0x20)
        #expect(encoded == STUNTestVectors.sampleRequest)
        #expect(message.encodedSize(messageIntegrity: true, fingerprint: true) == STUNTestVectors.sampleRequest.count)
    }

    @Test func stunSampleIPv4ResponseFieldsRFC5769Section2_2() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv4Response)
        #expect(message.type == .bindingSuccessResponse)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == TransportAddress(ip: [192, 0, 2, 1], port: 32853))
    }

    @Test func stunIntegrityRFC5769Sample2IPv4Response() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv4Response)
        #expect(message.verifyMessageIntegrity(key: key))
        #expect(message.verifyFingerprint())
    }

    @Test func stunReencodesRFC5769Sample2IPv4ResponseExactly() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv4Response)
        #expect(try message.encoded(messageIntegrityKey: key, fingerprint: true, padding: 0x20)
            == STUNTestVectors.sampleIPv4Response)
    }

    @Test func stunSampleIPv6ResponseFieldsRFC5769Section2_3() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv6Response)
        let expected = TransportAddress(
            ip: ParserTestBytes.hex("20010db8 12345678 00112233 44556677"), port: 32853)
        #expect(message.type == .bindingSuccessResponse)
        #expect(message.xorMappedAddress == expected)
        #expect(message.xorMappedAddress?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
    }

    @Test func stunIntegrityRFC5769Sample3IPv6Response() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv6Response)
        #expect(message.verifyMessageIntegrity(key: key))
        #expect(message.verifyFingerprint())
    }

    @Test func stunReencodesRFC5769Sample3IPv6ResponseExactly() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleIPv6Response)
        #expect(try message.encoded(messageIntegrityKey: key, fingerprint: true, padding: 0x20)
            == STUNTestVectors.sampleIPv6Response)
    }

    @Test func xorMappedAddressBuiltFromRFC5769Section2_2AddressMatchesVector() throws {
        let transactionID = try #require(STUNTransactionID(bytes: STUNTestVectors.transactionID))
        let address = try #require(TransportAddress(ip: [192, 0, 2, 1], port: 32853))
        let attribute = STUNAttribute.xorMappedAddress(address, transactionID: transactionID)
        #expect(attribute.value == ParserTestBytes.hex("00 01 a1 47 e1 12 a6 43"))
    }

    @Test func xorMappedAddressBuiltFromRFC5769Section2_3AddressMatchesVector() throws {
        let transactionID = try #require(STUNTransactionID(bytes: STUNTestVectors.transactionID))
        let address = try #require(TransportAddress(
            ip: ParserTestBytes.hex("20010db8 12345678 00112233 44556677"), port: 32853))
        let attribute = STUNAttribute.xorMappedAddress(address, transactionID: transactionID)
        #expect(attribute.value == ParserTestBytes.hex("0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9"))
        #expect(attribute.xorMappedAddress(transactionID: transactionID) == address)
    }

    @Test func crc32CheckValueOfISOHDLC() {
        // The catalogue check value of CRC-32/ISO-HDLC: CRC of "123456789".
        #expect(STUNFingerprint.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
