/// The tunables of Meridian's DTLS-SRTP transports. The defaults are what a
/// bridge uses; tests narrow them (one SRTP profile, a small MTU) to pin
/// behaviour that the defaults would hide.
public struct DTLSConfiguration: Sendable, Equatable {
    /// The largest datagram the transport sends (IPv6 minimum MTU 1280 minus
    /// IP/UDP headers and a margin for TURN or VPN encapsulation; the same
    /// 1200 that libwebrtc and ICE (RFC 8445 §16) assume).
    public static let defaultMTU = 1200
    /// OpenSSL refuses DTLS MTUs below 256 bytes.
    public static let minimumMTU = 256
    /// UDP's payload limit.
    public static let maximumMTU = 65_507
    /// RFC 6347 §4.2.4.1 caps the doubling retransmission timer at 60 s.
    public static let maximumRetransmissionTimeout: Duration = .seconds(60)

    /// SRTP protection profiles in preference order, sent in `use_srtp`.
    /// As DTLS server the first one the client also offers wins; as client
    /// the server chooses among them.
    public var srtpProfiles: [SRTPProfile]
    /// Upper bound on every datagram the transport emits.
    public var mtu: Int
    /// The first retransmission timeout of a handshake flight; it doubles on
    /// each expiry up to 60 s. RFC 6347 suggests 1 s; participants reach the
    /// bridge of their own region (tens of milliseconds away), so 500 ms
    /// halves the call-setup delay of a lost flight without retransmitting
    /// into a path that is merely slow.
    public var initialRetransmissionTimeout: Duration

    public init(srtpProfiles: [SRTPProfile] = [.aeadAES128GCM, .aesCM128HMACSHA1_80],
                mtu: Int = DTLSConfiguration.defaultMTU,
                initialRetransmissionTimeout: Duration = .milliseconds(500)) {
        self.srtpProfiles = srtpProfiles
        self.mtu = mtu
        self.initialRetransmissionTimeout = initialRetransmissionTimeout
    }

    /// The first reason this configuration cannot work, or nil.
    var problem: String? {
        if srtpProfiles.isEmpty {
            return "no SRTP profile configured (DTLS-SRTP needs at least one)"
        }
        if Set(srtpProfiles).count != srtpProfiles.count {
            return "SRTP profile listed twice in \(srtpProfiles)"
        }
        if !(Self.minimumMTU ... Self.maximumMTU).contains(mtu) {
            return "MTU \(mtu) outside \(Self.minimumMTU)…\(Self.maximumMTU) bytes"
        }
        if initialRetransmissionTimeout < .milliseconds(1)
            || initialRetransmissionTimeout > Self.maximumRetransmissionTimeout {
            return "initial retransmission timeout \(initialRetransmissionTimeout) outside 1 ms…60 s"
        }
        return nil
    }

    /// A `Duration` in whole microseconds, as OpenSSL's DTLS timer wants it.
    static func microseconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return UInt32(clamping: micros)
    }
}
