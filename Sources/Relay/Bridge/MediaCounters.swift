/// Why the bridge dropped a datagram. Each reason is counted separately so an
/// operator can tell an attack (bad STUN integrity) from a misconfiguration
/// (unknown SSRCs) from plain noise. `Int`-backed so that counting is an array
/// index on the media path.
public enum DropReason: Int, CaseIterable, Sendable {
    /// First byte matches no protocol of RFC 7983.
    case unknownKind
    case stunMalformed
    case stunUnauthorized
    /// A datagram from an address no endpoint has validated with STUN.
    case unknownPeer
    case dtlsError
    /// Media before DTLS completed.
    case notConnected
    case srtpAuthentication
    case srtpReplay
    case rtpMalformed
    case rtcpMalformed
    case unknownSSRC
    /// The kernel refused to send.
    case sendFailed
    /// Cascade: the sealed envelope did not open (reason in the seal counters).
    case cascadeEnvelope
    /// Cascade: an authentic envelope around a malformed frame.
    case cascadeMalformed
    /// Cascade: a stream arrived on a link that is not the one toward its
    /// origin (a routing disagreement; dropping it prevents loops).
    case cascadeWrongLink
    /// Cascade: the hop count passed `CascadeFrame.maximumHops`.
    case cascadeHops
    /// Cascade: a frame for a conference or stream this bridge does not relay.
    case cascadeUnknownStream
    /// Cascade: no sealed session with the peer yet, so the frame was not sent.
    case cascadeNoSession

    /// The label used in stats and metrics.
    public var name: String {
        switch self {
        case .unknownKind: return "unknown-kind"
        case .stunMalformed: return "stun-malformed"
        case .stunUnauthorized: return "stun-unauthorized"
        case .unknownPeer: return "unknown-peer"
        case .dtlsError: return "dtls-error"
        case .notConnected: return "not-connected"
        case .srtpAuthentication: return "srtp-authentication"
        case .srtpReplay: return "srtp-replay"
        case .rtpMalformed: return "rtp-malformed"
        case .rtcpMalformed: return "rtcp-malformed"
        case .unknownSSRC: return "unknown-ssrc"
        case .sendFailed: return "send-failed"
        case .cascadeEnvelope: return "cascade-envelope"
        case .cascadeMalformed: return "cascade-malformed"
        case .cascadeWrongLink: return "cascade-wrong-link"
        case .cascadeHops: return "cascade-hops"
        case .cascadeUnknownStream: return "cascade-unknown-stream"
        case .cascadeNoSession: return "cascade-no-session"
        }
    }
}

/// Packet and byte counters of one bridge, updated by the media thread only.
struct MediaCounters {
    var packetsIn: UInt64 = 0
    var packetsOut: UInt64 = 0
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    var retransmissions: UInt64 = 0
    var retransmissionMisses: UInt64 = 0
    var keyframeRequestsSent: UInt64 = 0
    private var drops = [UInt64](repeating: 0, count: DropReason.allCases.count)

    mutating func drop(_ reason: DropReason, count: Int = 1) {
        drops[reason.rawValue] += UInt64(count)
    }

    func drops(_ reason: DropReason) -> UInt64 {
        drops[reason.rawValue]
    }

    var dropsByReason: [String: UInt64] {
        var result: [String: UInt64] = [:]
        for reason in DropReason.allCases where drops[reason.rawValue] > 0 {
            result[reason.name] = drops[reason.rawValue]
        }
        return result
    }
}
