/// An SDP document (RFC 8866) as lines grouped into the session part and one
/// part per `m=` section. The controller only needs to write offers and read
/// answers, so the model stays at the level of typed lines with attribute
/// lookup; the meaning of attributes lives in `OfferBuilder` and `AnswerReader`.
///
///     v=0
///     o=- 1 1 IN IP4 127.0.0.1       session part
///     s=-                             (one line each: "<type>=<value>")
///     t=0 0
///     a=group:BUNDLE 0 1
///     m=audio 10001 UDP/TLS/RTP/SAVPF 111      media part, until the next m=
///     a=mid:0
///     …
public struct SDPDocument: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var type: Character
        public var value: String

        public init(_ type: Character, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    public struct Media: Sendable, Equatable {
        /// `m=<kind> <port> <proto> <fmt …>`.
        public var kind: String
        public var port: Int
        public var proto: String
        public var formats: [String]
        /// Every line after the `m=` line, in order.
        public var lines: [Line]

        /// Values of `a=name:value` (or `a=name` with an empty value) in order.
        public func attributes(_ name: String) -> [String] {
            SDPDocument.attributes(name, in: lines)
        }

        public func attribute(_ name: String) -> String? { attributes(name).first }
    }

    public var session: [Line]
    public var media: [Media]

    public init(session: [Line], media: [Media]) {
        self.session = session
        self.media = media
    }

    public func sessionAttribute(_ name: String) -> String? {
        Self.attributes(name, in: session).first
    }

    static func attributes(_ name: String, in lines: [Line]) -> [String] {
        lines.compactMap { line in
            guard line.type == "a" else { return nil }
            if line.value == name { return "" }
            guard line.value.hasPrefix(name), line.value.dropFirst(name.count).first == ":" else { return nil }
            return String(line.value.dropFirst(name.count + 1))
        }
    }

    /// CRLF-terminated text, as RFC 8866 §5 requires.
    public var text: String {
        var out = session.map { "\($0.type)=\($0.value)\r\n" }.joined()
        for m in media {
            out += "m=\(m.kind) \(m.port) \(m.proto) \(m.formats.joined(separator: " "))\r\n"
            out += m.lines.map { "\($0.type)=\($0.value)\r\n" }.joined()
        }
        return out
    }
}

/// Why an SDP text was refused; the message goes back to the client in a 400.
public struct SDPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// 1-based line number, when the problem is on one line.
    public var line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String {
        line.map { "SDP line \($0): \(message)" } ?? "SDP: \(message)"
    }
}

extension SDPDocument {
    /// Above any real answer (a 1,000-participant room is ~2,000 m-lines of
    /// ~15 lines); anything larger is refused before parsing.
    public static let maximumSize = 4 << 20

    /// Parses SDP text strictly: `<type>=<value>` lines (LF or CRLF), `v=0`
    /// first, the session lines `o=`, `s=` and `t=` present, well-formed `m=`
    /// lines. Never traps on any input.
    public init(parsing text: String) throws(SDPError) {
        guard text.utf8.count <= Self.maximumSize else { throw SDPError("larger than \(Self.maximumSize) bytes") }
        var session: [Line] = []
        var media: [Media] = []
        var number = 0
        // "\r\n" is one Character in Swift, so split on both forms explicitly.
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.isEmpty { continue }
            // RFC 8866 §9: values are byte strings without CR, LF or NUL.
            guard !line.contains(where: { $0 == "\r" || $0 == "\0" || $0.unicodeScalars.contains("\r") }) else {
                throw SDPError("control character inside a line", line: number)
            }
            guard line.count >= 2, let type = line.first, type.isASCII, type.isLowercase,
                  line.dropFirst().first == "=" else {
                throw SDPError("expected '<letter>=<value>', got '\(line.prefix(40))'", line: number)
            }
            let value = String(line.dropFirst(2))
            if session.isEmpty && media.isEmpty {
                guard type == "v", value == "0" else { throw SDPError("the first line must be v=0", line: number) }
            }
            if type == "m" {
                media.append(try Self.mediaLine(value, number: number))
            } else if media.isEmpty {
                session.append(Line(type, value))
            } else {
                media[media.count - 1].lines.append(Line(type, value))
            }
        }
        guard !session.isEmpty else { throw SDPError("empty description") }
        for required: Character in ["o", "s", "t"] where !session.contains(where: { $0.type == required }) {
            throw SDPError("missing the session line '\(required)='")
        }
        self.init(session: session, media: media)
    }

    private static func mediaLine(_ value: String, number: Int) throws(SDPError) -> Media {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 4 else { throw SDPError("m= needs kind, port, proto and formats", line: number) }
        guard let port = Int(parts[1].split(separator: "/").first ?? ""), (0...65535).contains(port) else {
            throw SDPError("bad port '\(parts[1])' in m=", line: number)
        }
        return Media(kind: parts[0], port: port, proto: parts[2], formats: Array(parts[3...]), lines: [])
    }
}
