import Yams

/// The `signaling` section: the controller's listeners, trusted proxies and
/// room-token settings. Checks that need the bridges too (listeners shared
/// with a bridge's metrics) are in `TopologyValidator`.
extension TopologyParser {
    static let signalingKeys = ["listen", "default-region", "control", "metrics", "trusted-proxies", "auth"]
    static let authKeys = ["algorithm", "secret-file", "public-key-file", "issuer", "required"]

    func parseSignaling(_ node: Node?, root: Node) -> SignalingSettings {
        var settings = SignalingSettings(listen: SocketAddress(host: .v4([127, 0, 0, 1]), port: 8080),
                                         defaultRegion: "")
        guard let node else {
            sources.record("signaling", reader.location(of: root))
            return settings
        }
        sources.record("signaling", reader.location(of: node))
        guard let f = reader.fields(of: node, what: "signaling", allowed: Self.signalingKeys) else {
            return settings
        }
        for (key, value) in f.values { sources.record("signaling.\(key)", reader.location(of: value)) }
        if let listen = f["listen"].flatMap({ reader.socketAddress($0, what: "signaling listen", example: "0.0.0.0:8080") }) {
            settings.listen = listen
        }
        if let node = f["default-region"], let region = reader.string(node, what: "default-region") {
            settings.defaultRegion = region
        }
        settings.control = f["control"].flatMap {
            reader.socketAddress($0, what: "signaling control listener", example: "0.0.0.0:8081")
        }
        settings.metrics = f["metrics"].flatMap {
            reader.socketAddress($0, what: "signaling metrics listener", example: "127.0.0.1:9090")
        }
        settings.trustedProxies = f["trusted-proxies"].map(parseTrustedProxies) ?? []
        settings.auth = f["auth"].flatMap(parseAuth)
        return settings
    }

    /// Prefixes whose peers may set `X-Forwarded-For`; each may appear once.
    private func parseTrustedProxies(_ node: Node) -> [CIDR] {
        guard let items = reader.sequence(node, what: "trusted-proxies") else { return [] }
        var seen: [CIDR: SourceLocation] = [:]
        var proxies: [CIDR] = []
        for item in items {
            guard let prefix = reader.cidr(item, what: "trusted proxy") else { continue }
            if let first = seen[prefix] {
                reader.error(at: item, "trusted proxy \(prefix) is listed twice",
                             hint: "it is already listed at line \(first.line), column \(first.column); remove one")
                continue
            }
            seen[prefix] = reader.location(of: item)
            proxies.append(prefix)
        }
        return proxies
    }

    private func parseAuth(_ node: Node) -> AuthSettings? {
        let what = "signaling auth"
        guard let f = reader.fields(of: node, what: what, allowed: Self.authKeys, required: ["algorithm"]) else {
            return nil
        }
        let algorithm = f["algorithm"].flatMap { reader.choice($0, what: "auth algorithm", as: JWTAlgorithm.self) }
        var paths: [String: String] = [:]
        for field in JWTAlgorithm.allCases.map(\.keyFileField) {
            if let value = f[field], let path = keyFilePath(value, field: field) { paths[field] = path }
        }
        let issuer = f["issuer"].flatMap { reader.string($0, what: "auth issuer") }
        let required = f["required"].flatMap { reader.bool($0, what: "auth required") } ?? true
        // Which key file applies depends on the algorithm; without one, say nothing more.
        guard let algorithm else { return nil }
        let wanted = algorithm.keyFileField
        var mismatched = false
        for other in JWTAlgorithm.allCases where other != algorithm {
            guard let key = f.keys[other.keyFileField] else { continue }
            mismatched = true
            reader.error(at: key, "'\(other.keyFileField)' is for \(other.rawValue), but the auth algorithm is \(algorithm.rawValue)",
                         hint: "\(algorithm.rawValue) verifies tokens with \(Self.describe(algorithm)) in '\(wanted)'; "
                             + "use that, or set algorithm: \(other.rawValue)")
        }
        if f.values[wanted] == nil {
            // A mismatched field is the same mistake, already reported with its fix.
            if !mismatched {
                reader.error(at: node, "signaling auth with algorithm \(algorithm.rawValue) is missing '\(wanted)'",
                             hint: "add '\(wanted): PATH', the file holding \(Self.describe(algorithm))")
            }
            return nil
        }
        guard let keyFile = paths[wanted], !mismatched else { return nil }
        return AuthSettings(algorithm: algorithm, keyFile: keyFile, issuer: issuer, required: required)
    }

    private static func describe(_ algorithm: JWTAlgorithm) -> String {
        switch algorithm {
        case .hs256: return "the shared secret"
        case .rs256: return "a PEM public key"
        }
    }

    /// A key file path as written. Only its shape is checked: validating a
    /// topology never reads the key (it may live on another machine).
    private func keyFilePath(_ node: Node, field: String) -> String? {
        let hint = "write the file's path, absolute or relative to the topology file's directory"
        guard case .scalar(let scalar) = node else {
            reader.error(at: node, "\(field) must be a path, not a list or mapping", hint: hint)
            return nil
        }
        let text = scalar.string
        let isNull = scalar.style == .plain && ["~", "null", "Null", "NULL"].contains(text)
        if isNull || text.allSatisfy(\.isWhitespace) {
            reader.error(at: node, "\(field) is empty", hint: hint)
            return nil
        }
        if text.first!.isWhitespace || text.last!.isWhitespace {
            reader.error(at: node, "\(field) '\(text)' starts or ends with spaces", hint: "remove them")
            return nil
        }
        if text.contains("\0") {
            reader.error(at: node, "\(field) contains a NUL character", hint: hint)
            return nil
        }
        if text.hasPrefix("~") {
            reader.error(at: node, "\(field) '\(text)' starts with '~', which is not expanded", hint: hint)
            return nil
        }
        if text.hasSuffix("/") {
            reader.error(at: node, "\(field) '\(text)' names a directory", hint: "write the path of the key file itself")
            return nil
        }
        return text
    }
}
