import Relay
import Testing

/// libsrtp2 through `SRTPSession`: round trips, authentication, replay
/// protection and the in-place hot-path API, for both offered profiles.
@Suite("SRTPSession")
struct SRTPSessionTests {
    @Test(arguments: SRTPProfile.allCases)
    func rtpRoundTripRestoresPacketForEverySSRC(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        for ssrc: UInt32 in [0x1111_1111, 0x2222_2222, 0xDEAD_BEEF] {
            for sequence: UInt16 in [100, 101, 102, 105, 103] {
                let plain = SRTPPackets.rtp(sequence: sequence, ssrc: ssrc)
                let protected = try sender.protect(rtp: plain)
                #expect(protected.count == plain.count + profile.rtpTrailerLength)
                #expect(Array(protected.prefix(12)) == Array(plain.prefix(12)), "the RTP header stays in clear")
                #expect(Array(protected[12 ..< plain.count]) != Array(plain[12...]), "the payload is encrypted")
                #expect(try receiver.unprotect(rtp: protected) == plain)
            }
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func rtcpRoundTripRestoresPacket(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        for _ in 0 ..< 3 {
            let plain = SRTPPackets.rtcpReceiverReport()
            let protected = try sender.protectRTCP(plain)
            #expect(protected.count == plain.count + profile.rtcpTrailerLength)
            #expect(Array(protected.prefix(8)) == Array(plain.prefix(8)))
            #expect(protected[8...] != plain[8...])
            #expect(try receiver.unprotectRTCP(protected) == plain)
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func inPlaceProtectAndUnprotectWorkInsideCallerBuffer(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        let plain = SRTPPackets.rtp(sequence: 7, payloadLength: 1_100)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_500, alignment: 16)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: plain)

        let protectedLength = try sender.protect(rtp: buffer, length: plain.count)
        #expect(protectedLength == plain.count + profile.rtpTrailerLength)
        let plainLength = try receiver.unprotect(rtp: buffer, length: protectedLength)
        #expect(plainLength == plain.count)
        #expect(Array(buffer[0 ..< plainLength]) == plain)

        let report = SRTPPackets.rtcpReceiverReport()
        buffer.copyBytes(from: report)
        let srtcpLength = try sender.protectRTCP(buffer, length: report.count)
        #expect(srtcpLength == report.count + profile.rtcpTrailerLength)
        #expect(try receiver.unprotectRTCP(buffer, length: srtcpLength) == report.count)
        #expect(Array(buffer[0 ..< report.count]) == report)
    }

    @Test(arguments: SRTPProfile.allCases)
    func flippedPayloadOrTagBitFailsAuthenticationAndLeavesNoState(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        let protected = try sender.protect(rtp: SRTPPackets.rtp(sequence: 500))

        var payloadFlipped = protected
        payloadFlipped[20] ^= 0x04
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotect(rtp: payloadFlipped) }

        var tagFlipped = protected
        tagFlipped[tagFlipped.count - 1] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotect(rtp: tagFlipped) }

        var headerFlipped = protected
        headerFlipped[1] ^= 0x01   // payload type: authenticated, not encrypted
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotect(rtp: headerFlipped) }

        // Forged packets did not advance the replay window: the genuine one passes.
        #expect(try receiver.unprotect(rtp: protected) == SRTPPackets.rtp(sequence: 500))

        let srtcp = try sender.protectRTCP(SRTPPackets.rtcpReceiverReport())
        var srtcpFlipped = srtcp
        srtcpFlipped[12] ^= 0x10
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTCP(srtcpFlipped) }
        #expect(try receiver.unprotectRTCP(srtcp) == SRTPPackets.rtcpReceiverReport())
    }

    @Test(arguments: SRTPProfile.allCases)
    func replayedPacketIsRejected(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        let protected = try sender.protect(rtp: SRTPPackets.rtp(sequence: 1_000))
        _ = try receiver.unprotect(rtp: protected)
        #expect(throws: SRTPError.replayed) { try receiver.unprotect(rtp: protected) }

        let srtcp = try sender.protectRTCP(SRTPPackets.rtcpReceiverReport())
        _ = try receiver.unprotectRTCP(srtcp)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(srtcp) }
    }

    @Test func replayWindowAccepts1000PacketReorderingAndRejectsOlder() throws {
        let (sender, receiver) = try SRTPPackets.pair(.aeadAES128GCM)
        var protected: [UInt16: [UInt8]] = [:]
        for sequence: UInt16 in [10, 1_010, 2_010, 3_000] {
            protected[sequence] = try sender.protect(rtp: SRTPPackets.rtp(sequence: sequence))
        }
        _ = try receiver.unprotect(rtp: protected[10]!)
        _ = try receiver.unprotect(rtp: protected[2_010]!)
        // 1,000 behind the newest: inside a 1,024 window (libsrtp's default of 128 would refuse it).
        #expect(try receiver.unprotect(rtp: protected[1_010]!) == SRTPPackets.rtp(sequence: 1_010))
        _ = try receiver.unprotect(rtp: protected[3_000]!)
        // 2,990 behind the newest: outside the window.
        #expect(throws: SRTPError.replayTooOld) { try receiver.unprotect(rtp: protected[10]!) }
    }

    @Test(arguments: SRTPProfile.allCases)
    func outboundSessionProtectsSamePacketAgainForNACKRetransmission(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPPackets.pair(profile)
        let plain = SRTPPackets.rtp(sequence: 77)
        let first = try sender.protect(rtp: plain)
        _ = try sender.protect(rtp: SRTPPackets.rtp(sequence: 78))
        let again = try sender.protect(rtp: plain)
        #expect(again == first, "same key, same index, same payload: identical bytes")
        _ = try receiver.unprotect(rtp: first)
        #expect(throws: SRTPError.replayed) { try receiver.unprotect(rtp: again) }
    }

    @Test(arguments: SRTPProfile.allCases)
    func wrongKeyFailsAuthentication(profile: SRTPProfile) throws {
        let (sender, _) = try SRTPPackets.pair(profile, seed: 1)
        let (_, otherReceiver) = try SRTPPackets.pair(profile, seed: 2)
        let protected = try sender.protect(rtp: SRTPPackets.rtp(sequence: 9))
        #expect(throws: SRTPError.authenticationFailed) { try otherReceiver.unprotect(rtp: protected) }
        let srtcp = try sender.protectRTCP(SRTPPackets.rtcpReceiverReport())
        #expect(throws: SRTPError.authenticationFailed) { try otherReceiver.unprotectRTCP(srtcp) }
    }

    @Test func profilesDoNotInteroperate() throws {
        let key = SRTPPackets.key(for: .aesCM128HMACSHA1_80, seed: 3)
        let sender = try SRTPSession(profile: .aesCM128HMACSHA1_80, direction: .outbound,
                                     masterKey: key.key, masterSalt: key.salt)
        let gcmReceiver = try SRTPSession(profile: .aeadAES128GCM, direction: .inbound,
                                          masterKey: key.key, masterSalt: Array(key.salt.prefix(12)))
        let protected = try sender.protect(rtp: SRTPPackets.rtp(sequence: 1))
        #expect(throws: SRTPError.authenticationFailed) { try gcmReceiver.unprotect(rtp: protected) }
    }

    @Test func sessionsRefuseTheOtherDirection() throws {
        let (sender, receiver) = try SRTPPackets.pair(.aeadAES128GCM)
        let plain = SRTPPackets.rtp(sequence: 1)
        #expect(throws: SRTPError.wrongDirection(session: .inbound)) { try receiver.protect(rtp: plain) }
        #expect(throws: SRTPError.wrongDirection(session: .outbound)) { try sender.unprotect(rtp: plain) }
        #expect(throws: SRTPError.wrongDirection(session: .outbound)) {
            try sender.unprotectRTCP(SRTPPackets.rtcpReceiverReport())
        }
    }

    @Test func keysOfWrongLengthAreRejected() {
        #expect(throws: SRTPError.invalidKeyLength(what: "key", expected: 16, actual: 15)) {
            try SRTPSession(profile: .aeadAES128GCM, direction: .inbound,
                            masterKey: [UInt8](repeating: 1, count: 15), masterSalt: [UInt8](repeating: 2, count: 12))
        }
        #expect(throws: SRTPError.invalidKeyLength(what: "salt", expected: 14, actual: 12)) {
            try SRTPSession(profile: .aesCM128HMACSHA1_80, direction: .inbound,
                            masterKey: [UInt8](repeating: 1, count: 16), masterSalt: [UInt8](repeating: 2, count: 12))
        }
    }

    @Test func inPlaceProtectRefusesBufferWithoutRoomForTag() throws {
        let (sender, _) = try SRTPPackets.pair(.aeadAES128GCM)
        let plain = SRTPPackets.rtp(sequence: 1, payloadLength: 20)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: plain.count + 15, alignment: 8)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: plain)
        #expect(throws: SRTPError.bufferTooSmall(needed: plain.count + 16, capacity: plain.count + 15)) {
            try sender.protect(rtp: buffer, length: plain.count)
        }
        // A length that runs past the buffer is refused before libsrtp reads it.
        #expect(throws: SRTPError.bufferTooSmall(needed: plain.count + 32, capacity: plain.count + 15)) {
            try sender.protect(rtp: buffer, length: plain.count + 16)
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func garbageFromThePeerIsRejectedWithoutCrashing(profile: SRTPProfile) throws {
        let (_, receiver) = try SRTPPackets.pair(profile)
        var generator = SystemRandomNumberGenerator()
        for length in 0 ..< 200 {
            var junk = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            if length > 0 { junk[0] = 0x80 | (junk[0] & 0x3F) }  // look like RTP v2 to reach libsrtp's parser
            #expect(throws: SRTPError.self) { try receiver.unprotect(rtp: junk) }
            #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(junk) }
        }
        // Header claiming 15 CSRCs and an extension longer than the packet.
        var lying = SRTPPackets.rtp(sequence: 3, payloadLength: 24)
        lying[0] = 0x9F
        #expect(throws: SRTPError.self) { try receiver.unprotect(rtp: lying) }
        #expect(throws: SRTPError.packetTooShort(length: 11, minimum: 12 + profile.rtpTrailerLength)) {
            try receiver.unprotect(rtp: Array(lying.prefix(11)))
        }
    }
}
