/// What a datagram on the bridge's single media port carries, decided from
/// its first bytes (RFC 7983 §7, with RFC 5761 §4 for RTP versus RTCP).
///
/// ```
///                 +----------------+
///                 |        [0..3] -+--> STUN
///                 |      [16..19] -+--> ZRTP        (unknown here)
///     packet -->  |      [20..63] -+--> DTLS
///                 |      [64..79] -+--> TURN Channel (unknown here)
///                 |    [128..191] -+--> RTP/RTCP
///                 +----------------+
/// ```
///
/// Inside 128–191 the second octet separates the two: RTCP packet types
/// 192–223 (SR 200 … XR 207 and the rest of that block) never collide with an
/// RTP payload type plus marker bit, because RFC 5761 §4 forbids RTP payload
/// types 64–95 on a multiplexed port.
///
/// This is the first thing the bridge does with every datagram, so it reads at
/// most two bytes and allocates nothing. Anything else — ZRTP, TURN channels,
/// a 1-byte datagram, noise — is `unknown`, to be counted and dropped.
public enum DatagramKind: Sendable, Equatable, CaseIterable {
    case stun
    case dtls
    case rtp
    case rtcp
    case unknown

    /// Classifies a whole datagram.
    ///
    /// Subscripts rather than `datagram.first`: in a debug build the generic
    /// `Collection.first` allocates on every call, and the allocation test
    /// of the forwarding path runs in a debug build.
    public init(classifying datagram: UnsafeRawBufferPointer) {
        guard datagram.count > 0 else {
            self = .unknown
            return
        }
        self.init(firstByte: datagram[0], secondByte: datagram.count > 1 ? datagram[1] : nil)
    }

    /// Classifies from the first two octets; `secondByte` is nil for a
    /// one-byte datagram, which can be neither RTP nor RTCP.
    public init(firstByte: UInt8, secondByte: UInt8?) {
        switch firstByte {
        case 0...3:
            self = .stun
        case 20...63:
            self = .dtls
        case 128...191:
            guard let secondByte else {
                self = .unknown
                return
            }
            self = (192...223).contains(secondByte) ? .rtcp : .rtp
        default:
            self = .unknown
        }
    }
}
