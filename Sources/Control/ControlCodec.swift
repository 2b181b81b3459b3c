import Foundation

/// JSON encoding of control frames: `{"v":1,"type":"…","id":N?,"body":{…}}`.
/// Decoding a frame from the other side never traps: anything malformed, of
/// another version or of an unknown type is a `ControlCodecError`.
public enum ControlCodec {
    public static func encode(_ message: BridgeMessage) -> String {
        switch message {
        case .hello(let body): return frame("hello", body)
        case .stats(let body): return frame("stats", body)
        case .reply(let body): return frame("reply", body)
        case .event(let body): return frame("event", body)
        case .link(let body): return frame("link", body)
        }
    }

    public static func encode(_ message: ControllerMessage) -> String {
        switch message {
        case .welcome(let body): return frame("welcome", body)
        case .command(let id, .allocate(let body)): return frame("allocate", body, id: id)
        case .command(let id, .update(let body)): return frame("update", body, id: id)
        case .command(let id, .expire(let body)): return frame("expire", body, id: id)
        case .command(let id, .cascade(let body)): return frame("cascade", body, id: id)
        }
    }

    public static func decodeBridgeMessage(_ text: String) throws(ControlCodecError) -> BridgeMessage {
        let header = try decodeHeader(text)
        switch header.type {
        case "hello": return .hello(try body(text))
        case "stats": return .stats(try body(text))
        case "reply": return .reply(try body(text))
        case "event": return .event(try body(text))
        case "link": return .link(try body(text))
        default: throw .unknownType(header.type)
        }
    }

    public static func decodeControllerMessage(_ text: String) throws(ControlCodecError) -> ControllerMessage {
        let header = try decodeHeader(text)
        if header.type == "welcome" { return .welcome(try body(text)) }
        guard let id = header.id else {
            throw ["allocate", "update", "expire", "cascade"].contains(header.type)
                ? .malformed("a command needs an id") : .unknownType(header.type)
        }
        switch header.type {
        case "allocate": return .command(id: id, .allocate(try body(text)))
        case "update": return .command(id: id, .update(try body(text)))
        case "expire": return .command(id: id, .expire(try body(text)))
        case "cascade": return .command(id: id, .cascade(try body(text)))
        default: throw .unknownType(header.type)
        }
    }

    // MARK: Frames

    private struct Header: Decodable {
        var v: Int
        var type: String
        var id: UInt64?
    }

    private struct Frame<Body: Codable>: Codable {
        var v: Int
        var type: String
        var id: UInt64?
        var body: Body
    }

    private static func frame<Body: Codable>(_ type: String, _ body: Body, id: UInt64? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain Codable structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(Frame(v: ControlProtocol.version, type: type, id: id, body: body))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func decodeHeader(_ text: String) throws(ControlCodecError) -> Header {
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(text.utf8)) } catch {
            throw .malformed("not a control frame: \(error)")
        }
        guard header.v == ControlProtocol.version else { throw .unsupportedVersion(header.v) }
        return header
    }

    private static func body<Body: Codable>(_ text: String) throws(ControlCodecError) -> Body {
        do { return try JSONDecoder().decode(Frame<Body>.self, from: Data(text.utf8)).body } catch {
            throw .malformed("bad body: \(error)")
        }
    }
}

public enum ControlCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion(Int)
    case unknownType(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed control frame: \(why)"
        case .unsupportedVersion(let v): return "control protocol version \(v) is not supported (this side speaks \(ControlProtocol.version))"
        case .unknownType(let t): return "unknown control frame type '\(t)'"
        }
    }
}
