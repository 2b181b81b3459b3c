/// The `a=extmap` URIs of the header extensions the bridge understands or
/// carries through. Their ids are negotiated per session in SDP; the relay
/// looks values up by the negotiated id, the signaling side maps URI → id.
public enum RTPHeaderExtensionURI {
    /// RFC 6464 client-to-mixer audio level (V bit + level in -dBov):
    /// decoded with `RTPAudioLevel` for active-speaker detection.
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// RFC 9143 / RFC 8843 §15.2 BUNDLE media identification: the value is
    /// the m-line's `a=mid` as raw bytes (`RTPPacket.mid(id:)`).
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// draft-holmer-rmcat-transport-wide-cc-extensions-01 sequence number:
    /// carried through untouched, never rewritten by the bridge.
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// WebRTC absolute send time (24-bit 6.18 fixed point seconds): carried
    /// through untouched.
    public static let absoluteSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
}
