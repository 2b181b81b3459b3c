import Control

/// Writes the controller's SDP offer for one participant (DESIGN §4): BUNDLE
/// over every m-line, `a=ice-lite`, rtcp-mux, the bridge's host candidates
/// and DTLS fingerprint with `a=setup:actpass`, Opus and VP8 (+RTX), one
/// `recvonly` audio and video m-line for the participant's own media and a
/// `sendonly` pair per other participant, whose `a=msid` stream id is that
/// participant's id. Transport attributes are repeated on every m-line
/// because some clients reject an offer otherwise.
public enum OfferBuilder {
    public static func offer(_ plan: OfferPlan) -> SDPDocument {
        var mids = [OfferPlan.ownAudioMid, OfferPlan.ownVideoMid]
        for index in plan.slots.indices {
            mids += [OfferPlan.audioMid(slot: index), OfferPlan.videoMid(slot: index)]
        }
        let session: [SDPDocument.Line] = [
            .init("v", "0"),
            .init("o", "meridian \(plan.sessionID) \(plan.revision) IN IP4 0.0.0.0"),
            .init("s", "meridian"),
            .init("t", "0 0"),
            .init("a", "group:BUNDLE \(mids.joined(separator: " "))"),
            .init("a", "ice-lite"),
            .init("a", "msid-semantic: WMS *"),
        ]
        var media = [
            audio(plan, mid: OfferPlan.ownAudioMid, direction: "recvonly", remote: nil),
            video(plan, mid: OfferPlan.ownVideoMid, direction: "recvonly", remote: nil),
        ]
        for (index, slot) in plan.slots.enumerated() {
            let direction = slot.active ? "sendonly" : "inactive"
            media.append(audio(plan, mid: OfferPlan.audioMid(slot: index), direction: direction, remote: slot))
            media.append(video(plan, mid: OfferPlan.videoMid(slot: index), direction: direction, remote: slot))
        }
        return SDPDocument(session: session, media: media)
    }

    private static func audio(_ plan: OfferPlan, mid: String, direction: String,
                              remote: OfferPlan.RemoteSlot?) -> SDPDocument.Media {
        let pt = plan.payloads.opus
        var lines = transport(plan, mid: mid, direction: direction)
        lines += [
            .init("a", "extmap:\(HeaderExtensionIDs.mid) \(HeaderExtensionIDs.midURI)"),
            .init("a", "extmap:\(HeaderExtensionIDs.audioLevel) \(HeaderExtensionIDs.audioLevelURI)"),
            .init("a", "rtpmap:\(pt) opus/48000/2"),
            .init("a", "fmtp:\(pt) minptime=10;useinbandfec=1"),
        ]
        if let remote, remote.active {
            lines += sources(participant: remote.participant, track: "audio", ssrcs: [remote.audioSSRC])
        }
        return SDPDocument.Media(kind: "audio", port: port(plan), proto: "UDP/TLS/RTP/SAVPF",
                                 formats: ["\(pt)"], lines: lines)
    }

    private static func video(_ plan: OfferPlan, mid: String, direction: String,
                              remote: OfferPlan.RemoteSlot?) -> SDPDocument.Media {
        let pt = plan.payloads.vp8
        var formats = ["\(pt)"]
        var lines = transport(plan, mid: mid, direction: direction)
        lines += [
            .init("a", "extmap:\(HeaderExtensionIDs.mid) \(HeaderExtensionIDs.midURI)"),
            .init("a", "rtpmap:\(pt) VP8/90000"),
            .init("a", "rtcp-fb:\(pt) nack"),
            .init("a", "rtcp-fb:\(pt) nack pli"),
            .init("a", "rtcp-fb:\(pt) ccm fir"),
        ]
        if let rtx = plan.payloads.rtx {
            formats.append("\(rtx)")
            lines += [.init("a", "rtpmap:\(rtx) rtx/90000"), .init("a", "fmtp:\(rtx) apt=\(pt)")]
        }
        if let remote, remote.active {
            var ssrcs = [remote.videoSSRC]
            if plan.payloads.rtx != nil {
                ssrcs.append(remote.videoRTXSSRC)
                lines.append(.init("a", "ssrc-group:FID \(remote.videoSSRC) \(remote.videoRTXSSRC)"))
            }
            lines += sources(participant: remote.participant, track: "video", ssrcs: ssrcs)
        }
        return SDPDocument.Media(kind: "video", port: port(plan), proto: "UDP/TLS/RTP/SAVPF",
                                 formats: formats, lines: lines)
    }

    /// `a=msid:<participant id> <participant id>-<kind>` tells the client whose
    /// media a track carries; `cname` groups a participant's audio and video
    /// for lip sync.
    private static func sources(participant: String, track: String, ssrcs: [UInt32]) -> [SDPDocument.Line] {
        var lines = ssrcs.map { SDPDocument.Line("a", "ssrc:\($0) cname:\(participant)") }
        lines.append(.init("a", "msid:\(participant) \(participant)-\(track)"))
        return lines
    }

    private static func transport(_ plan: OfferPlan, mid: String, direction: String) -> [SDPDocument.Line] {
        var lines: [SDPDocument.Line] = [
            .init("c", "IN \(firstCandidateFamily(plan)) \(firstCandidateHost(plan))"),
            .init("a", "mid:\(mid)"),
            .init("a", direction),
            .init("a", "ice-ufrag:\(plan.transport.iceUfrag)"),
            .init("a", "ice-pwd:\(plan.transport.icePwd)"),
            .init("a", "fingerprint:sha-256 \(plan.transport.fingerprint)"),
            .init("a", "setup:actpass"),
            .init("a", "rtcp-mux"),
        ]
        for (index, candidate) in plan.transport.candidates.enumerated() {
            let (host, port) = split(candidate)
            // RFC 8445 §5.1.2.1 priority for a host candidate, component 1.
            let priority = (126 << 24) | ((65535 - index) << 8) | 255
            lines.append(.init("a", "candidate:\(index + 1) 1 udp \(priority) \(host) \(port) typ host"))
        }
        lines.append(.init("a", "end-of-candidates"))
        return lines
    }

    private static func port(_ plan: OfferPlan) -> Int {
        plan.transport.candidates.first.map { Int(split($0).1) ?? 9 } ?? 9
    }

    private static func firstCandidateHost(_ plan: OfferPlan) -> String {
        plan.transport.candidates.first.map { split($0).0 } ?? "0.0.0.0"
    }

    private static func firstCandidateFamily(_ plan: OfferPlan) -> String {
        firstCandidateHost(plan).contains(":") ? "IP6" : "IP4"
    }

    /// `1.2.3.4:5` or `[::1]:5` → host and port text.
    static func split(_ address: String) -> (String, String) {
        guard let colon = address.lastIndex(of: ":") else { return (address, "9") }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, String(address[address.index(after: colon)...]))
    }
}
