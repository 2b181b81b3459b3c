import Testing
@testable import Relay

struct RTPHeaderRewriterTests {
    @Test func rewritesHeaderFieldsInPlaceAndLeavesTheRestAlone() throws {
        var bytes = ParserTestBytes.hex("90ef1234 deadbeef 01020304 bede0001 10aa0000") + Array("payload".utf8)
        let original = bytes
        try bytes.withUnsafeMutableBytes { raw in
            let rewriter = try RTPHeaderRewriter(raw)
            rewriter.setSSRC(0xCAFE_BABE)
            rewriter.setSequenceNumber(0xFFFF)
            rewriter.setTimestamp(0x0000_0001)
            rewriter.setPayloadType(96)
        }
        try bytes.withUnsafeBytes { raw in
            let packet = try RTPPacket(parsing: UnsafeRawBufferPointer(raw))
            #expect(packet.ssrc == 0xCAFE_BABE)
            #expect(packet.sequenceNumber == 0xFFFF)
            #expect(packet.timestamp == 1)
            #expect(packet.payloadType == 96)
            #expect(packet.marker, "payload type rewrite keeps the marker bit")
            #expect(packet.extensionRange(id: 1) == 17 ..< 18)
        }
        #expect(bytes[0] == original[0])
        #expect(bytes[12...] == original[12...])
    }

    @Test func markerCanBeSetAndClearedWithoutTouchingPayloadType() throws {
        var bytes = ParserTestBytes.hex("80600001 00000002 00000003")
        try bytes.withUnsafeMutableBytes { raw in
            let rewriter = try RTPHeaderRewriter(raw)
            rewriter.setMarker(true)
            #expect(raw[1] == 0xE0)
            rewriter.setMarker(false)
            #expect(raw[1] == 0x60)
        }
    }

    @Test func refusesBuffersThatAreNotRTP() {
        var short = [UInt8](repeating: 0x80, count: 11)
        #expect(throws: RTPError.truncated(length: 11, needed: 12)) {
            try short.withUnsafeMutableBytes { raw in _ = try RTPHeaderRewriter(raw) }
        }
        var stun = STUNTestVectors.sampleRequest
        #expect(throws: RTPError.unsupportedVersion(0)) {
            try stun.withUnsafeMutableBytes { raw in _ = try RTPHeaderRewriter(raw) }
        }
    }
}
