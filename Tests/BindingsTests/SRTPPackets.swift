import Relay

/// Small RTP/RTCP packets and key material for the SRTP tests.
enum SRTPPackets {
    /// An RTP packet (RFC 3550 §5.1): V=2, no padding/extension/CSRC,
    /// payload type 96, and a payload that varies with the sequence number.
    static func rtp(sequence: UInt16, ssrc: UInt32 = 0x1122_3344, payloadLength: Int = 160) -> [UInt8] {
        let timestamp = UInt32(sequence) &* 960
        var packet: [UInt8] = [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += bigEndian(timestamp) + bigEndian(ssrc)
        packet += (0 ..< payloadLength).map { UInt8(truncatingIfNeeded: $0 &+ Int(sequence)) }
        return packet
    }

    /// An RTCP receiver report with one report block (RFC 3550 §6.4.2), 32 bytes.
    static func rtcpReceiverReport(ssrc: UInt32 = 0x1122_3344, reportee: UInt32 = 0xCAFE_BABE) -> [UInt8] {
        var packet: [UInt8] = [0x81, 201, 0x00, 0x07]
        packet += bigEndian(ssrc) + bigEndian(reportee)
        packet += [0x02, 0x00, 0x00, 0x05]          // fraction lost, cumulative lost
        packet += bigEndian(0x0001_1234)             // extended highest sequence
        packet += bigEndian(42)                      // jitter
        packet += bigEndian(0x1234_5678)             // LSR
        packet += bigEndian(0x0000_8000)             // DLSR
        return packet
    }

    static func key(for profile: SRTPProfile, seed: UInt8) -> (key: [UInt8], salt: [UInt8]) {
        let key = (0 ..< profile.masterKeyLength).map { UInt8(truncatingIfNeeded: Int(seed) &* 7 &+ $0) }
        let salt = (0 ..< profile.masterSaltLength).map { UInt8(truncatingIfNeeded: Int(seed) &* 13 &+ $0 &* 3) }
        return (key, salt)
    }

    /// A matching outbound/inbound pair, as the two ends of one direction.
    static func pair(_ profile: SRTPProfile, seed: UInt8 = 1) throws -> (sender: SRTPSession, receiver: SRTPSession) {
        let material = key(for: profile, seed: seed)
        return (try SRTPSession(profile: profile, direction: .outbound, masterKey: material.key, masterSalt: material.salt),
                try SRTPSession(profile: profile, direction: .inbound, masterKey: material.key, masterSalt: material.salt))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
