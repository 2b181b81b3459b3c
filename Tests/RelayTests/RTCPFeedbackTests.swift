import Testing
@testable import Relay

struct RTCPFeedbackTests {
    /// RFC 4585 §6.2.1: PID, then bit i of BLP for PID + i + 1.
    @Test(arguments: [
        (UInt16(100), UInt16(0x0000), [UInt16(100)]),
        (100, 0x0001, [100, 101]),
        (100, 0x8000, [100, 116]),
        (100, 0x0005, [100, 101, 103]),
        (65535, 0x0003, [65535, 0, 1]),
        (0, 0xFFFF, Array(0 ... 16)),
    ])
    func nackEntryExpansionRFC4585Section6_2_1(_ pid: UInt16, _ blp: UInt16, _ lost: [UInt16]) {
        #expect(Array(RTCPNACKEntry(packetID: pid, lostBitmask: blp)) == lost)
    }

    @Test(arguments: [
        ([UInt16(10)], [RTCPNACKEntry(packetID: 10, lostBitmask: 0)]),
        ([10, 11, 26], [RTCPNACKEntry(packetID: 10, lostBitmask: 0x8001)]),
        ([10, 27], [RTCPNACKEntry(packetID: 10, lostBitmask: 0), RTCPNACKEntry(packetID: 27, lostBitmask: 0)]),
        ([65534, 65535, 0, 3], [RTCPNACKEntry(packetID: 65534, lostBitmask: 0b10011)]),
        ([5, 5, 6], [RTCPNACKEntry(packetID: 5, lostBitmask: 1)]),
    ])
    func nackBuilderPacksAndParserExpands(_ lost: [UInt16], _ entries: [RTCPNACKEntry]) throws {
        let bytes = try buildRTCP { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 0xBEEF, lost: lost, to: $0) }
        #expect(bytes.count == RTCPGenericNACK.encodedSize(packing: lost))
        #expect(bytes.count == 12 + 4 * entries.count)
        try forEachRTCPPacket(in: bytes) { packet in
            #expect(packet.kind == .genericNACK)
            let nack = try RTCPGenericNACK(packet)
            #expect(nack.senderSSRC == 1)
            #expect(nack.mediaSSRC == 0xBEEF)
            #expect(Array(nack.entries) == entries)
            var unique: [UInt16] = []
            for sequenceNumber in lost where !unique.contains(sequenceNumber) { unique.append(sequenceNumber) }
            #expect(Array(nack.lostSequenceNumbers) == unique)
        }
    }

    @Test func nackWithNothingLostIsRefused() {
        #expect(throws: RTCPError.nothingToWrite(what: "lost sequence number")) {
            _ = try buildRTCP { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: [], to: $0) }
        }
    }

    @Test func pliRoundTripsRFC4585Section6_3_1() throws {
        let bytes = try buildRTCP { try RTCPPictureLossIndication.write(senderSSRC: 0x0A, mediaSSRC: 0x0B, to: $0) }
        #expect(bytes == ParserTestBytes.hex("81ce0002 0000000a 0000000b"))
        try forEachRTCPPacket(in: bytes) { packet in
            #expect(packet.kind == .pictureLossIndication)
            let pli = try RTCPPictureLossIndication.read(packet)
            #expect(pli.senderSSRC == 0x0A && pli.mediaSSRC == 0x0B)
        }
    }

    @Test func firRoundTripsRFC5104Section4_3_1() throws {
        let entries = [RTCPFIREntry(ssrc: 0x1234_5678, sequenceNumber: 7),
                       RTCPFIREntry(ssrc: 0x9ABC_DEF0, sequenceNumber: 255)]
        let bytes = try buildRTCP { try RTCPFullIntraRequest.write(senderSSRC: 0x0A, entries: entries, to: $0) }
        #expect(bytes == ParserTestBytes.hex("84ce0006 0000000a 00000000 12345678 07000000 9abcdef0 ff000000"))
        try forEachRTCPPacket(in: bytes) { packet in
            let fir = try RTCPFullIntraRequest(packet)
            #expect(fir.senderSSRC == 0x0A)
            #expect(fir.mediaSSRC == 0)
            #expect(Array(fir.entries) == entries)
        }
    }

    @Test func rembAndTransportCCAreRecognisedAndSkipped() throws {
        // REMB (PT 206 FMT 15, "REMB", 1 SSRC), transport-cc (PT 205 FMT 15),
        // APP-layer feedback without the REMB tag, SDES, XR.
        let compound = ParserTestBytes.hex("""
            8fce0005 00000001 00000000 52454d42 01000100 00000002
            8fcd0004 00000001 00000002 00010002 00000000
            8fce0002 00000001 00000002
            81ca0002 00000001 00000000
            80cf0001 00000001
            """)
        #expect(try rtcpKinds(compound) == [
            .receiverEstimatedMaximumBitrate, .transportWideCC, .applicationLayerFeedback,
            .sourceDescription, .extendedReport,
        ])
        try forEachRTCPPacket(in: compound) { packet in
            if packet.kind == .transportWideCC {
                let feedback = try RTCPFeedback(packet)
                #expect(feedback.mediaSSRC == 2)
            }
        }
    }

    @Test func feedbackViewsRejectOtherKindsAndShortPackets() throws {
        try forEachRTCPPacket(in: ParserTestBytes.hex("81ce0001 0000000a")) { packet in
            #expect(throws: RTCPError.packetTooShort(kind: .pictureLossIndication, length: 8, minimum: 12)) {
                _ = try RTCPPictureLossIndication.read(packet)
            }
            #expect(throws: RTCPError.wrongPacketKind(expected: .genericNACK, actual: .pictureLossIndication)) {
                _ = try RTCPGenericNACK(packet)
            }
        }
        try forEachRTCPPacket(in: ParserTestBytes.hex("80c90001 00000001")) { packet in
            #expect(throws: RTCPError.notFeedback(actual: .receiverReport)) { _ = try RTCPFeedback(packet) }
        }
    }
}
