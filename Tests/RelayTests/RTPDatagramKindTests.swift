import Testing
@testable import Relay

struct RTPDatagramKindTests {
    /// RFC 7983 §7 first-byte ranges, RFC 5761 §4 second-byte split.
    @Test(arguments: [
        ([] as [UInt8], DatagramKind.unknown),
        ([0x00, 0x01], .stun), ([0x01, 0x01], .stun), ([0x03], .stun),
        ([0x04], .unknown), ([0x10], .unknown), ([0x13], .unknown),  // 16–19 ZRTP
        ([0x14, 0xFE], .dtls), ([0x16, 0xFE], .dtls), ([0x3F], .dtls),
        ([0x40], .unknown), ([0x4F], .unknown),  // 64–79 TURN channels
        ([0x7F, 0x00], .unknown),
        ([0x80], .unknown),  // one byte: cannot tell RTP from RTCP
        ([0x80, 0x60], .rtp), ([0x80, 0xE0], .rtp), ([0x80, 0x6F], .rtp),
        ([0x80, 0xBF], .rtp), ([0x80, 0xE0], .rtp),
        ([0x80, 0xC0], .rtcp), ([0x80, 0xC8], .rtcp), ([0x81, 0xC9], .rtcp),
        ([0x8F, 0xCE], .rtcp), ([0x80, 0xDF], .rtcp),
        ([0xBF, 0xCD], .rtcp), ([0xBF, 0x00], .rtp),
        ([0xC0, 0xC8], .unknown), ([0xFF, 0xFF], .unknown),
    ])
    func firstBytesClassifyDatagram(_ bytes: [UInt8], _ expected: DatagramKind) {
        let kind = bytes.withUnsafeBytes { DatagramKind(classifying: $0) }
        #expect(kind == expected, "\(bytes)")
    }

    @Test func everyFirstByteOutsideTheRFC7983RangesIsUnknown() {
        for first in 0 ... 255 {
            let kind = DatagramKind(firstByte: UInt8(first), secondByte: 0x60)
            let expected: DatagramKind = switch first {
            case 0 ... 3: .stun
            case 20 ... 63: .dtls
            case 128 ... 191: .rtp
            default: .unknown
            }
            #expect(kind == expected, "first byte \(first)")
        }
    }
}
