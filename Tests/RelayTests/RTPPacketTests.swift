import Testing
@testable import Relay

struct RTPPacketTests {
    /// V=2, M=1, PT=111, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, payload "opus".
    static let simple: [UInt8] = ParserTestBytes.hex("80ef1234 deadbeef 01020304") + Array("opus".utf8)

    func parse<T>(_ bytes: [UInt8], _ body: (RTPPacket) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in try body(try RTPPacket(parsing: raw)) }
    }

    @Test func fixedHeaderFieldsRFC3550Section5_1() throws {
        try parse(Self.simple) { packet in
            #expect(packet.version == 2)
            #expect(!packet.padding)
            #expect(!packet.hasExtension)
            #expect(packet.csrcCount == 0)
            #expect(packet.marker)
            #expect(packet.payloadType == 111)
            #expect(packet.sequenceNumber == 0x1234)
            #expect(packet.timestamp == 0xDEAD_BEEF)
            #expect(packet.ssrc == 0x0102_0304)
            #expect(packet.headerLength == 12)
            #expect(packet.payloadRange == 12 ..< 16)
            #expect(Array(packet.payload) == Array("opus".utf8))
            #expect(packet.extensionProfile == nil)
            #expect(packet.extensionRange(id: 1) == nil)
        }
    }

    @Test func csrcListIsSkippedAndReadable() throws {
        let bytes = ParserTestBytes.hex("82600001 00000002 00000003 aaaaaaaa bbbbbbbb") + [0x55]
        try parse(bytes) { packet in
            #expect(packet.csrcCount == 2)
            #expect(!packet.marker)
            #expect(packet.payloadType == 96)
            #expect(packet.csrc(at: 0) == 0xAAAA_AAAA)
            #expect(packet.csrc(at: 1) == 0xBBBB_BBBB)
            #expect(packet.csrc(at: 2) == nil)
            #expect(packet.csrc(at: -1) == nil)
            #expect(packet.headerLength == 20)
            #expect(packet.payloadRange == 20 ..< 21)
        }
    }

    @Test func paddingIsExcludedFromPayload() throws {
        // P=1, payload "ab", padding 00 00 03.
        let bytes = ParserTestBytes.hex("a0600001 00000002 00000003 6162 000003")
        try parse(bytes) { packet in
            #expect(packet.padding)
            #expect(packet.payloadRange == 12 ..< 14)
        }
    }

    @Test(arguments: [
        ("padding count 0", "a0600001 00000002 00000003 616200", RTPError.invalidPadding(count: 0, available: 3)),
        ("padding beyond payload", "a0600001 00000002 00000003 616205", .invalidPadding(count: 5, available: 3)),
        ("padding with no payload", "a0600001 00000002 00000003", .invalidPadding(count: 3, available: 0)),
        ("version 1", "40600001 00000002 00000003", .unsupportedVersion(1)),
        ("version 0 (a STUN byte)", "00010000 2112a442 00000000", .unsupportedVersion(0)),
        ("CSRC count beyond packet", "83600001 00000002 00000003 00000004 00000005", .truncated(length: 20, needed: 24)),
        ("extension header missing", "90600001 00000002 00000003 bede", .truncated(length: 14, needed: 16)),
        ("extension longer than packet", "90600001 00000002 00000003 bede0002 10ff0000", .truncated(length: 20, needed: 24)),
    ])
    func malformedPacketIsRejected(_ name: String, _ hex: String, _ expected: RTPError) {
        let bytes = ParserTestBytes.hex(hex)
        #expect(throws: expected, "\(name)") {
            try bytes.withUnsafeBytes { raw in _ = try RTPPacket(parsing: raw) }
        }
    }

    @Test func everyPrefixShorterThanTheHeaderIsRejected() throws {
        // 2 CSRCs and a 2-word one-byte extension: header of 32 bytes.
        let full = ParserTestBytes.hex("92600001 00000002 00000003 00000004 00000005 bede0002 10ff2122 00000000") + [1, 2, 3]
        let headerLength = try parse(full) { $0.headerLength }
        #expect(headerLength == 32)
        for length in 0 ..< headerLength {
            let prefix = Array(full.prefix(length))
            #expect(throws: RTPError.self, "prefix of \(length) bytes") {
                try prefix.withUnsafeBytes { raw in _ = try RTPPacket(parsing: raw) }
            }
        }
        for length in headerLength ... full.count {
            let prefix = Array(full.prefix(length))
            let payload = try parse(prefix) { $0.payloadRange }
            #expect(payload == headerLength ..< length)
        }
    }

    @Test func randomDatagramsNeverCrashTheParser() {
        var generator = ParserTestBytes.SeededGenerator(state: 3550)
        for _ in 0 ..< 20_000 {
            let length = Int.random(in: 0 ... 64, using: &generator)
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if length > 0 { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            bytes.withUnsafeBytes { raw in
                guard let packet = try? RTPPacket(parsing: raw) else { return }
                #expect(packet.payloadRange.upperBound <= raw.count)
                for element in packet.headerExtensions {
                    #expect(element.range.upperBound <= packet.headerLength)
                }
                _ = packet.audioLevel(id: 1)
                _ = packet.mid(id: 2)
            }
        }
    }
}
