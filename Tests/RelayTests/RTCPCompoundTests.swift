import Testing
@testable import Relay

struct RTCPCompoundTests {
    /// RR (1 block) + SDES + PLI + NACK: what a browser sends after a loss.
    static func browserCompound() throws -> [UInt8] {
        let block = RTCPReportBlock(ssrc: 2, fractionLost: 1, cumulativeLost: 1, extendedHighestSequenceNumber: 100,
                                    jitter: 3, lastSenderReport: 0, delaySinceLastSenderReport: 0)
        return try buildRTCP { try RTCPReceiverReport.write(ssrc: 1, reportBlocks: [block], to: $0) }
            + ParserTestBytes.hex("81ca0003 00000001 01026162 00000000")
            + buildRTCP { try RTCPPictureLossIndication.write(senderSSRC: 1, mediaSSRC: 2, to: $0) }
            + buildRTCP { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: [99, 100], to: $0) }
    }

    @Test func compoundIsWalkedPacketByPacketRFC3550Section6_1() throws {
        let bytes = try Self.browserCompound()
        var ranges: [Range<Int>] = []
        try forEachRTCPPacket(in: bytes) { packet in
            ranges.append(packet.range)
            #expect(packet.bytes.count == packet.range.count)
        }
        #expect(ranges == [0 ..< 32, 32 ..< 48, 48 ..< 60, 60 ..< 76])
        #expect(try rtcpKinds(bytes) == [.receiverReport, .sourceDescription, .pictureLossIndication, .genericNACK])
    }

    @Test func reducedSizeFeedbackAloneIsAccepted() throws {
        let pli = try buildRTCP { try RTCPPictureLossIndication.write(senderSSRC: 1, mediaSSRC: 2, to: $0) }
        #expect(try rtcpKinds(pli) == [.pictureLossIndication])
    }

    @Test func paddingOnTheLastPacketIsExcludedFromItsBytes() throws {
        // PLI with P=1 and 4 bytes of padding (length 3 words + 1).
        let bytes = ParserTestBytes.hex("a1ce0003 00000001 00000002 00000004")
        try forEachRTCPPacket(in: bytes) { packet in
            #expect(packet.padding)
            #expect(packet.range == 0 ..< 16)
            #expect(packet.bytes.count == 12)
            let pli = try RTCPPictureLossIndication.read(packet)
            #expect(pli.mediaSSRC == 2)
        }
    }

    @Test(arguments: [
        ("version 1", "41ce0002 00000001 00000002", RTCPError.unsupportedVersion(offset: 0, version: 1)),
        ("three bytes", "81ce00", .truncated(offset: 0, remaining: 3)),
        ("length beyond datagram", "81ce0003 00000001 00000002", .lengthExceedsDatagram(offset: 0, declared: 16, remaining: 12)),
        ("padding on a packet that is not last", "a1ce0002 00000001 00000002 81ce0002 00000001 00000002",
         .paddingNotInLastPacket(offset: 0)),
        ("padding count zero", "a1ce0002 00000001 00000000", .invalidPadding(offset: 0, count: 0, available: 8)),
        ("padding count beyond body", "a1ce0002 00000001 00000009", .invalidPadding(offset: 0, count: 9, available: 8)),
        ("garbage after a valid packet", "81ce0002 00000001 00000002 ffff", .truncated(offset: 12, remaining: 2)),
        ("not RTCP after a valid packet", "81ce0002 00000001 00000002 ffffffff", .unsupportedVersion(offset: 12, version: 3)),
    ])
    func malformedCompoundIsRejected(_ name: String, _ hex: String, _ expected: RTCPError) {
        #expect(throws: expected, "\(name)") {
            try forEachRTCPPacket(in: ParserTestBytes.hex(hex)) { _ in }
        }
    }

    @Test func iteratorIsFinishedAfterAnError() throws {
        let bytes = ParserTestBytes.hex("41ce0002 00000001 00000002")
        try bytes.withUnsafeBytes { raw in
            var iterator = RTCPCompoundIterator(raw)
            #expect(throws: RTCPError.self) { _ = try iterator.next() }
            let afterError = try iterator.next()
            #expect(afterError == nil)
        }
    }

    @Test func everyTruncationOfACompoundIsRejectedUnlessOnAPacketBoundary() throws {
        let bytes = try Self.browserCompound()
        let boundaries: [Int: Int] = [0: 0, 32: 1, 48: 2, 60: 3]
        for length in 0 ..< bytes.count {
            var count = 0
            let prefix = Array(bytes.prefix(length))
            do {
                try forEachRTCPPacket(in: prefix) { _ in count += 1 }
                #expect(boundaries[length] == count, "prefix of \(length) bytes parsed \(count) packets")
            } catch {
                #expect(boundaries[length] == nil, "prefix of \(length) bytes rejected: \(error)")
            }
        }
    }

    @Test func randomDatagramsNeverCrashAnyView() {
        var generator = ParserTestBytes.SeededGenerator(state: 4585)
        let types: [UInt8] = [200, 201, 202, 203, 204, 205, 206, 207]
        for _ in 0 ..< 20_000 {
            let words = Int.random(in: 1 ... 10, using: &generator)
            var bytes = (0 ..< 4 * words).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            bytes[0] = 0x80 | (bytes[0] & 0x3F)
            bytes[1] = types[Int.random(in: 0 ..< types.count, using: &generator)]
            bytes[2] = 0
            bytes[3] = UInt8(Int.random(in: 0 ..< words + 1, using: &generator))
            try? forEachRTCPPacket(in: bytes) { packet in
                if let report = try? RTCPSenderReport(packet) { _ = Array(report.reportBlocks) }
                if let report = try? RTCPReceiverReport(packet) { _ = Array(report.reportBlocks) }
                if let bye = try? RTCPGoodbye(packet) { _ = (Array(bye.ssrcs), bye.reason?.count) }
                if let nack = try? RTCPGenericNACK(packet) { _ = Array(nack.lostSequenceNumbers) }
                if let fir = try? RTCPFullIntraRequest(packet) { _ = Array(fir.entries) }
                _ = try? RTCPPictureLossIndication.read(packet)
                _ = try? RTCPFeedback(packet)
            }
        }
    }
}
