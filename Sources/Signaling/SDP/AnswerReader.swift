/// What the controller takes from a participant's SDP answer, after checking
/// it against the offer it answers. A malformed or mismatched answer is an
/// `SDPError` (a 400 for the client); the participant's state is untouched.
public struct AnswerSummary: Sendable, Equatable {
    public var iceUfrag: String
    public var icePwd: String
    /// sha-256 fingerprint, uppercase `AB:CD:…`.
    public var fingerprint: String
    /// `active` (the bridge is DTLS server) or `passive`.
    public var setup: String
    /// The participant's own audio/video SSRCs, when it sends them.
    public var audioSSRC: UInt32?
    public var videoSSRC: UInt32?
    public var videoRTXSSRC: UInt32?
    /// Indices of the remote slots the participant agreed to receive.
    public var acceptedSlots: Set<Int>
    /// Whether RTX was kept on the video m-lines.
    public var rtxAccepted: Bool
}

public enum AnswerReader {
    public static func read(_ text: String, answering offer: SDPDocument) throws(SDPError) -> AnswerSummary {
        let answer = try SDPDocument(parsing: text)
        guard answer.media.count == offer.media.count else {
            throw SDPError("the answer has \(answer.media.count) m-lines; the offer has \(offer.media.count)")
        }
        var ufrag: String?, pwd: String?, fingerprint: String?, setup: String?
        var summary = AnswerSummary(iceUfrag: "", icePwd: "", fingerprint: "", setup: "",
                                    acceptedSlots: [], rtxAccepted: false)
        for (index, (mine, theirs)) in zip(offer.media, answer.media).enumerated() {
            let mid = mine.attribute("mid") ?? ""
            guard theirs.kind == mine.kind else {
                throw SDPError("m-line \(index) is \(theirs.kind); the offer's is \(mine.kind)")
            }
            guard theirs.attribute("mid") == mid else {
                throw SDPError("m-line \(index) has mid '\(theirs.attribute("mid") ?? "none")'; the offer's is '\(mid)'")
            }
            let direction = try Self.direction(of: theirs, index: index)
            let rejected = theirs.port == 0 || direction == "inactive"
            if !rejected {
                ufrag = try consistent(ufrag, theirs.attribute("ice-ufrag") ?? answer.sessionAttribute("ice-ufrag"), "ice-ufrag")
                pwd = try consistent(pwd, theirs.attribute("ice-pwd") ?? answer.sessionAttribute("ice-pwd"), "ice-pwd")
                fingerprint = try consistent(fingerprint, try sha256(theirs, session: answer), "fingerprint")
                setup = try consistent(setup, theirs.attribute("setup") ?? answer.sessionAttribute("setup"), "setup")
            }
            let offered = Set(mine.formats)
            guard Set(theirs.formats).isSubset(of: offered) || rejected else {
                throw SDPError("m-line \(index) answers payload types \(theirs.formats.joined(separator: " ")) that were not offered")
            }
            if index < 2 {
                guard ["sendonly", "inactive"].contains(direction) || rejected else {
                    throw SDPError("m-line \(index) (your own \(mine.kind)) must be sendonly or inactive, not \(direction)")
                }
                if !rejected { try readOwnSources(theirs, into: &summary) }
            } else {
                guard ["recvonly", "inactive"].contains(direction) || rejected else {
                    throw SDPError("m-line \(index) (another participant's \(mine.kind)) must be recvonly or inactive, not \(direction)")
                }
                if !rejected, mine.attribute("inactive") == nil { summary.acceptedSlots.insert((index - 2) / 2) }
            }
            if theirs.kind == "video", !rejected, theirs.formats.count > 1 { summary.rtxAccepted = true }
        }
        guard let ufrag, let pwd, let fingerprint, let setup else {
            throw SDPError("every m-line is rejected or inactive; there is no transport to connect")
        }
        guard (4...256).contains(ufrag.count), (22...256).contains(pwd.count) else {
            throw SDPError("ice-ufrag must have 4–256 characters and ice-pwd 22–256 (RFC 8839 §5.4)")
        }
        guard ["active", "passive"].contains(setup) else {
            throw SDPError("a=setup:\(setup) is not a valid answer (use active or passive)")
        }
        summary.iceUfrag = ufrag
        summary.icePwd = pwd
        summary.fingerprint = fingerprint
        summary.setup = setup
        return summary
    }

    private static func direction(of media: SDPDocument.Media, index: Int) throws(SDPError) -> String {
        let found = ["sendrecv", "sendonly", "recvonly", "inactive"].filter { media.attribute($0) != nil }
        guard found.count <= 1 else { throw SDPError("m-line \(index) has several directions") }
        return found.first ?? "sendrecv"
    }

    /// The sha-256 fingerprint (clients may add sha-384/512 lines).
    private static func sha256(_ media: SDPDocument.Media, session: SDPDocument) throws(SDPError) -> String? {
        let values = media.attributes("fingerprint") + SDPDocument.attributes("fingerprint", in: session.session)
        guard !values.isEmpty else { return nil }
        for value in values {
            let parts = value.split(separator: " ")
            guard parts.count == 2, parts[0].lowercased() == "sha-256" else { continue }
            let hex = parts[1].uppercased()
            let pairs = hex.split(separator: ":", omittingEmptySubsequences: false)
            guard pairs.count == 32, pairs.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else {
                throw SDPError("malformed sha-256 fingerprint '\(parts[1].prefix(120))'")
            }
            return hex
        }
        throw SDPError("no sha-256 fingerprint (the bridge checks the DTLS certificate against it)")
    }

    private static func consistent(_ current: String?, _ new: String?, _ name: String) throws(SDPError) -> String? {
        guard let new else {
            if current == nil { throw SDPError("missing a=\(name)") }
            return current
        }
        if let current, current != new { throw SDPError("a=\(name) differs between bundled m-lines") }
        return new
    }

    private static func readOwnSources(_ media: SDPDocument.Media, into summary: inout AnswerSummary) throws(SDPError) {
        var primary: UInt32?, rtx: UInt32?
        if let group = media.attributes("ssrc-group").first(where: { $0.hasPrefix("FID ") }) {
            let ids = group.split(separator: " ").dropFirst().map { UInt32($0) }
            guard ids.count == 2, let first = ids[0], let second = ids[1] else {
                throw SDPError("malformed a=ssrc-group:\(group.prefix(80))")
            }
            primary = first
            rtx = second
        }
        if primary == nil, let line = media.attributes("ssrc").first {
            guard let id = line.split(separator: " ").first.flatMap({ UInt32($0) }) else {
                throw SDPError("malformed a=ssrc:\(line.prefix(80))")
            }
            primary = id
        }
        guard let primary else { throw SDPError("your sending \(media.kind) m-line has no a=ssrc") }
        if media.kind == "audio" {
            summary.audioSSRC = primary
        } else {
            summary.videoSSRC = primary
            summary.videoRTXSSRC = rtx
        }
    }
}
