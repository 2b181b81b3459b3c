import Foundation
import Topology

/// A bridge's private keys on disk (`ID.key`, mode 0600), written by
/// `meridian keygen` and read by `meridian bridge` and `meridian overlay up`.
///
/// The format is three `name: base64` lines so that an operator can read it:
///
///     # meridian bridge keys; keep this file private (mode 0600)
///     id: fra-1
///     wireguard-private-key: <base64 of 32 bytes>
///     cascade-private-key: <base64 of 32 bytes>
public struct BridgeKeyFile: Sendable, Equatable {
    public var id: String
    public var wireguard: KeyPair
    public var cascade: KeyPair

    public init(id: String, wireguard: KeyPair, cascade: KeyPair) {
        self.id = id
        self.wireguard = wireguard
        self.cascade = cascade
    }

    /// Two independent fresh pairs.
    public static func generate(id: String) -> BridgeKeyFile {
        BridgeKeyFile(id: id, wireguard: .generate(), cascade: .generate())
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case exists(String)
        case unreadable(String, String)
        case malformed(String, line: Int, String)
        case missing(String, field: String)
        case cannotWrite(String, String)

        public var description: String {
            switch self {
            case .exists(let path):
                return "\(path) already exists (refusing to overwrite a bridge's keys; move it away first)"
            case .unreadable(let path, let why): return "\(path): cannot read: \(why)"
            case .malformed(let path, let line, let why): return "\(path):\(line): \(why)"
            case .missing(let path, let field): return "\(path): missing '\(field):' line"
            case .cannotWrite(let path, let why): return "\(path): cannot write: \(why)"
            }
        }
    }

    public var text: String {
        """
        # meridian bridge keys; keep this file private (mode 0600)
        id: \(id)
        wireguard-private-key: \(Base64.encode(wireguard.secretKey))
        cascade-private-key: \(Base64.encode(cascade.secretKey))

        """
    }

    /// The lines an operator pastes under `bridges.ID` in the topology.
    public var topologyLines: String {
        """
          \(id):
            wireguard: { public-key: "\(wireguard.publicKey.base64)" }
            cascade-key: "\(cascade.publicKey.base64)"
        """
    }

    /// Creates `path` with mode 0600; never replaces an existing file.
    public func write(to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path) }
            throw .cannotWrite(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .cannotWrite(path, String(cString: strerror(errno))) }
    }

    public static func read(from path: String) throws(Failure) -> BridgeKeyFile {
        let contents: String
        do { contents = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path, error.localizedDescription)
        }
        return try parse(contents, path: path)
    }

    public static func parse(_ contents: String, path: String) throws(Failure) -> BridgeKeyFile {
        var fields: [String: String] = [:]
        for (index, raw) in contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw .malformed(path, line: index + 1, "expected 'name: value'")
            }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard ["id", "wireguard-private-key", "cascade-private-key"].contains(name) else {
                throw .malformed(path, line: index + 1, "unknown field '\(name)'")
            }
            if name != "id" {
                guard let bytes = Base64.decode(value), KeyPair(secretKey: bytes) != nil else {
                    throw .malformed(path, line: index + 1, "\(name) is not base64 of 32 bytes")
                }
            }
            fields[name] = value
        }
        func field(_ name: String) throws(Failure) -> String {
            guard let value = fields[name] else { throw .missing(path, field: name) }
            return value
        }
        let id = try field("id")
        let wg = KeyPair(secretKey: Base64.decode(try field("wireguard-private-key"))!)!
        let cascade = KeyPair(secretKey: Base64.decode(try field("cascade-private-key"))!)!
        return BridgeKeyFile(id: id, wireguard: wg, cascade: cascade)
    }
}
