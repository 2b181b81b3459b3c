import Testing
@testable import Relay

struct RTCPReportTests {
    static let blocks = [
        RTCPReportBlock(ssrc: 0x1111_1111, fractionLost: 25, cumulativeLost: 1000,
                        extendedHighestSequenceNumber: 0x0001_FFFF, jitter: 42,
                        lastSenderReport: 0xAABB_CCDD, delaySinceLastSenderReport: 65536),
        RTCPReportBlock(ssrc: 0x2222_2222, fractionLost: 0, cumulativeLost: -3,
                        extendedHighestSequenceNumber: 7, jitter: 0,
                        lastSenderReport: 0, delaySinceLastSenderReport: 0),
    ]

    @Test func senderReportRoundTripsRFC3550Section6_4_1() throws {
        let info = RTCPSenderInfo(ntpTimestamp: 0xE9A1_B2C3_8000_0000, rtpTimestamp: 0x1234_5678,
                                  packetCount: 500, octetCount: 550_000)
        let bytes = try buildRTCP { try RTCPSenderReport.write(ssrc: 0xABCD_EF01, senderInfo: info,
                                                               reportBlocks: Self.blocks, to: $0) }
        #expect(bytes.count == RTCPSenderReport.encodedSize(blockCount: 2))
        #expect(bytes.count == 76)
        #expect(Array(bytes.prefix(4)) == [0x82, 200, 0x00, 18])
        try forEachRTCPPacket(in: bytes) { packet in
            let report = try RTCPSenderReport(packet)
            #expect(report.ssrc == 0xABCD_EF01)
            #expect(report.senderInfo == info)
            #expect(Array(report.reportBlocks) == Self.blocks)
        }
        #expect(try rtcpKinds(bytes) == [.senderReport])
    }

    @Test func receiverReportRoundTripsRFC3550Section6_4_2() throws {
        let bytes = try buildRTCP { try RTCPReceiverReport.write(ssrc: 7, reportBlocks: Self.blocks, to: $0) }
        #expect(bytes.count == 56)
        #expect(Array(bytes.prefix(4)) == [0x82, 201, 0x00, 13])
        try forEachRTCPPacket(in: bytes) { packet in
            let report = try RTCPReceiverReport(packet)
            #expect(report.ssrc == 7)
            #expect(report.reportBlocks.count == 2)
            #expect(report.reportBlocks[1].cumulativeLost == -3)
            #expect(Array(report.reportBlocks) == Self.blocks)
        }
    }

    @Test func emptyReceiverReportIsEightBytes() throws {
        let bytes = try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [], to: $0) }
        #expect(bytes == [0x80, 201, 0x00, 0x01, 0, 0, 0, 1])
    }

    @Test func cumulativeLostIsClampedToTwentyFourSignedBits() throws {
        var block = Self.blocks[0]
        block.cumulativeLost = 20_000_000
        let bytes = try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [block], to: $0) }
        try forEachRTCPPacket(in: bytes) { packet in
            let report = try RTCPReceiverReport(packet)
            #expect(report.reportBlocks[0].cumulativeLost == 0x7F_FFFF)
        }
        block.cumulativeLost = -20_000_000
        let negative = try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [block], to: $0) }
        try forEachRTCPPacket(in: negative) { packet in
            let report = try RTCPReceiverReport(packet)
            #expect(report.reportBlocks[0].cumulativeLost == -0x80_0000)
        }
    }

    @Test func builderRefusesMoreThan31BlocksAndSmallBuffers() {
        let many = [RTCPReportBlock](repeating: Self.blocks[0], count: 32)
        #expect(throws: RTCPError.tooManyItems(what: "report blocks", count: 32, maximum: 31)) {
            _ = try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: many, to: $0) }
        }
        var small = [UInt8](repeating: 0, count: 20)
        #expect(throws: RTCPError.bufferTooSmall(needed: 32, capacity: 20)) {
            try small.withUnsafeMutableBytes { _ = try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [Self.blocks[0]], to: $0) }
        }
    }

    @Test func reportCountBeyondPacketLengthIsRejected() throws {
        // RR with RC=2 but room for one block.
        var bytes = try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [Self.blocks[0]], to: $0) }
        bytes[0] = 0x82
        try forEachRTCPPacket(in: bytes) { packet in
            #expect(throws: RTCPError.packetTooShort(kind: .receiverReport, length: 32, minimum: 56)) {
                _ = try RTCPReceiverReport(packet)
            }
            #expect(throws: RTCPError.wrongPacketKind(expected: .senderReport, actual: .receiverReport)) {
                _ = try RTCPSenderReport(packet)
            }
        }
    }

    @Test func goodbyeListsSourcesAndReasonRFC3550Section6_6() throws {
        // BYE, SC=2, SSRCs 1 and 2, reason "gone" (length 4) padded to a word.
        let bytes = ParserTestBytes.hex("82cb0004 00000001 00000002 04676f6e 65000000")
        try forEachRTCPPacket(in: bytes) { packet in
            let bye = try RTCPGoodbye(packet)
            #expect(Array(bye.ssrcs) == [1, 2])
            #expect(bye.reason.map { Array($0) } == Array("gone".utf8))
        }
        let overrun = ParserTestBytes.hex("81cb0002 00000001 09676f6e")
        try forEachRTCPPacket(in: overrun) { packet in
            #expect(throws: RTCPError.self) { _ = try RTCPGoodbye(packet) }
        }
    }
}
