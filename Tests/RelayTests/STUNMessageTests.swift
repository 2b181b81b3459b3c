import Testing
@testable import Relay

struct STUNMessageTests {
    let key = STUNMessageIntegrity.shortTermKey(password: STUNTestVectors.password)

    @Test func messageTypeSplitsAndJoinsMethodAndClass() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccessResponse.rawValue == 0x0101)
        #expect(STUNMessageType.bindingErrorResponse.rawValue == 0x0111)
        for method: UInt16 in [0x001, 0x003, 0x07F, 0x080, 0xABC, 0xFFF] {
            for messageClass in STUNClass.allCases {
                let type = STUNMessageType(method: STUNMethod(rawValue: method), messageClass: messageClass)
                let back = STUNMessageType(rawValue: type.rawValue)
                #expect(back == type)
                #expect(type.rawValue & 0xC000 == 0)
            }
        }
    }

    @Test func integrityFailsWithAnotherPassword() throws {
        let message = try STUNMessage(parsing: STUNTestVectors.sampleRequest)
        #expect(!message.verifyMessageIntegrity(key: STUNMessageIntegrity.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBu")))
        #expect(!message.verifyMessageIntegrity(key: []))
    }

    @Test func integrityAndFingerprintFailWhenAnyCoveredByteChanges() throws {
        let vector = STUNTestVectors.sampleRequest
        let integrityOffset = vector.count - 8 - 24
        // Every byte before MESSAGE-INTEGRITY except the length field (which
        // a change would make unparseable) is covered by both.
        for index in (0 ..< integrityOffset) where index != 2 && index != 3 {
            var corrupted = vector
            corrupted[index] ^= 0x01
            guard let message = try? STUNMessage(parsing: corrupted) else { continue }
            #expect(!message.verifyMessageIntegrity(key: key), "byte \(index)")
            #expect(!message.verifyFingerprint(), "byte \(index)")
        }
    }

    @Test func fingerprintFailsWhenOnlyTheFingerprintChanges() throws {
        var corrupted = STUNTestVectors.sampleRequest
        corrupted[corrupted.count - 1] ^= 0xFF
        let message = try STUNMessage(parsing: corrupted)
        #expect(!message.verifyFingerprint())
        #expect(message.verifyMessageIntegrity(key: key))
    }

    @Test func messageWithoutIntegrityOrFingerprintVerifiesNeither() throws {
        let transactionID = STUNTransactionID.random()
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: transactionID,
                                    attributes: [.username("a:b")]).encoded()
        let message = try STUNMessage(parsing: bytes)
        #expect(!message.hasMessageIntegrity && !message.hasFingerprint)
        #expect(!message.verifyMessageIntegrity(key: key))
        #expect(!message.verifyFingerprint())
        #expect(message.transactionID == transactionID)
    }

    @Test func xorMappedAddressRoundTripsIPv4AndIPv6() throws {
        let transactionID = STUNTransactionID.random()
        let addresses = [
            TransportAddress(ip: [127, 0, 0, 1], port: 1),
            TransportAddress(ip: [255, 255, 255, 255], port: 65535),
            TransportAddress(ip: [UInt8](repeating: 0, count: 15) + [1], port: 10000),
            TransportAddress(ip: ParserTestBytes.hex("fe80000000000000 0123456789abcdef"), port: 5000),
        ].compactMap { $0 }
        #expect(addresses.count == 4)
        for address in addresses {
            let bytes = try STUNMessage(type: .bindingSuccessResponse, transactionID: transactionID,
                                        attributes: [.xorMappedAddress(address, transactionID: transactionID)])
                .encoded(messageIntegrityKey: key, fingerprint: true)
            let parsed = try STUNMessage(parsing: bytes)
            #expect(parsed.xorMappedAddress == address)
            #expect(parsed.verifyMessageIntegrity(key: key))
            #expect(parsed.verifyFingerprint())
        }
    }

    @Test func transportAddressAcceptsOnlyFourOrSixteenBytes() {
        #expect(TransportAddress(ip: [1, 2, 3], port: 1) == nil)
        #expect(TransportAddress(ip: [UInt8](repeating: 0, count: 5), port: 1) == nil)
        #expect(TransportAddress(ip: [10, 0, 0, 1], port: 80)?.description == "10.0.0.1:80")
    }

    @Test func errorCodeRoundTrips() throws {
        let transactionID = STUNTransactionID.random()
        let error = try #require(STUNErrorCode(code: 487, reason: "Role Conflict"))
        let bytes = try STUNMessage(type: .bindingErrorResponse, transactionID: transactionID,
                                    attributes: [.errorCode(error), .unknownAttributes([.init(rawValue: 0x7777)])])
            .encoded(fingerprint: true)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(parsed.errorCode == error)
        #expect(parsed.unknownAttributes == [STUNAttributeType(rawValue: 0x7777)])
        #expect(STUNErrorCode(code: 299, reason: "") == nil)
        #expect(STUNErrorCode(code: 700, reason: "") == nil)
    }

    @Test func truncatedSampleRequestIsRejectedAtEveryLength() {
        let vector = STUNTestVectors.sampleRequest
        for length in 0 ..< vector.count {
            #expect(throws: STUNError.self, "prefix of \(length) bytes") {
                try STUNMessage(parsing: Array(vector.prefix(length)))
            }
        }
    }

    @Test func truncatedSampleRequestWithPatchedLengthIsRejectedOrConsistent() {
        // A prefix whose header length is patched to match passes the header
        // checks, so each attribute boundary is exercised; a prefix that
        // cuts an attribute must be rejected.
        let vector = STUNTestVectors.sampleRequest
        let boundaries: Set<Int> = [20, 40, 48, 60, 76, 100, 108]
        for length in stride(from: 20, to: vector.count, by: 4) {
            var prefix = Array(vector.prefix(length))
            prefix[2] = UInt8((length - 20) >> 8)
            prefix[3] = UInt8((length - 20) & 0xFF)
            let parsed = try? STUNMessage(parsing: prefix)
            #expect((parsed != nil) == boundaries.contains(length), "prefix of \(length) bytes")
        }
    }

    @Test(arguments: [
        ("top bits set", "c0010000 2112a442 000000000000000000000000"),
        ("bad magic cookie", "00010000 2112a443 000000000000000000000000"),
        ("length not multiple of 4", "00010002 2112a442 000000000000000000000000 0000"),
        ("length beyond datagram", "00010008 2112a442 000000000000000000000000 00060000"),
        ("attribute beyond message", "00010008 2112a442 000000000000000000000000 00060008 61616161"),
        ("padding beyond message", "00010008 2112a442 000000000000000000000000 00060005 61616161"),
        ("PRIORITY of 3 bytes", "00010008 2112a442 000000000000000000000000 00240003 01020300"),
        ("USE-CANDIDATE with a value", "00010008 2112a442 000000000000000000000000 00250001 01000000"),
        ("ICE-CONTROLLING of 4 bytes", "00010008 2112a442 000000000000000000000000 802a0004 01020304"),
        ("MESSAGE-INTEGRITY of 4 bytes", "00010008 2112a442 000000000000000000000000 00080004 01020304"),
        ("FINGERPRINT of 8 bytes", "0001000c 2112a442 000000000000000000000000 80280008 0102030405060708"),
        ("XOR-MAPPED-ADDRESS family 3", "0001000c 2112a442 000000000000000000000000 00200008 00030000 01020304"),
        ("XOR-MAPPED-ADDRESS IPv6 of 8 bytes", "0001000c 2112a442 000000000000000000000000 00200008 00020000 01020304"),
        ("ERROR-CODE class 7", "00010008 2112a442 000000000000000000000000 00090004 00000700"),
        ("attribute after FINGERPRINT", "00010010 2112a442 000000000000000000000000 80280004 00000000 80220004 61616161"),
    ])
    func malformedMessageIsRejected(_ name: String, _ hex: String) {
        #expect(throws: STUNError.self, "\(name)") {
            try STUNMessage(parsing: ParserTestBytes.hex(hex))
        }
    }

    @Test func attributesAfterMessageIntegrityAreIgnored() throws {
        let transactionID = STUNTransactionID.random()
        var bytes = try STUNMessage(type: .bindingRequest, transactionID: transactionID,
                                    attributes: [.username("a:b")]).encoded(messageIntegrityKey: key)
        // Append USE-CANDIDATE after MESSAGE-INTEGRITY and fix the length.
        bytes += [0x00, 0x25, 0x00, 0x00]
        bytes[3] += 4
        let message = try STUNMessage(parsing: bytes)
        #expect(!message.useCandidate)
        #expect(message.attributes.map(\.type) == [.username])
        #expect(message.verifyMessageIntegrity(key: key))
    }

    @Test func unknownComprehensionRequiredAttributesAreNotedAndOptionalOnesAreNot() throws {
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: [
            STUNAttribute(type: .init(rawValue: 0x0030), value: [1]),
            STUNAttribute(type: .init(rawValue: 0xC057), value: [0, 1, 0, 2]),
            .username("a:b"),
        ]).encoded()
        let message = try STUNMessage(parsing: bytes)
        #expect(message.unknownComprehensionRequired == [STUNAttributeType(rawValue: 0x0030)])
        #expect(message.attributes.count == 3)
        #expect(message.attribute(STUNAttributeType(rawValue: 0x0030))?.value == [1])
    }

    @Test func usernameThatIsNotUTF8IsNil() throws {
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: [
            STUNAttribute(type: .username, value: [0x61, 0xFF, 0x3A, 0x62]),
        ]).encoded()
        #expect(try STUNMessage(parsing: bytes).username == nil)
    }

    @Test func encodingRejectsOversizedAttribute() {
        let message = STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: [
            STUNAttribute(type: .software, value: [UInt8](repeating: 0x61, count: 70_000)),
        ])
        #expect(throws: STUNError.self) { try message.encoded() }
    }

    @Test func randomDatagramsNeverCrashTheParser() {
        var generator = ParserTestBytes.SeededGenerator(state: 5389)
        for _ in 0 ..< 20_000 {
            let length = Int.random(in: 0 ... 120, using: &generator)
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if length >= 20 {
                // Make the header plausible so that attribute parsing runs.
                bytes[0] &= 0x01
                bytes[2] = 0
                bytes[3] = UInt8((length - 20) & 0xFC)
                bytes[4 ... 7] = [0x21, 0x12, 0xA4, 0x42]
                bytes = Array(bytes.prefix(20 + Int(bytes[3])))
            }
            if let message = try? STUNMessage(parsing: bytes) {
                _ = message.verifyMessageIntegrity(key: key)
                _ = message.verifyFingerprint()
                _ = (message.username, message.priority, message.xorMappedAddress, message.errorCode)
            }
        }
    }
}
