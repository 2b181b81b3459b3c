import Yams

/// Reads Yams nodes against the topology schema and collects every problem
/// with its location, instead of stopping at the first one.
///
/// Only the shapes the schema describes are walked, so a hostile file (deep
/// nesting, alias bombs under unknown keys) costs no more than its size.
/// Single-threaded: one reader per parse.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return .start }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    func error(at location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: location.line, column: location.column,
                                      message: message, hint: hint))
    }

    func error(at node: Node, _ message: String, hint: String? = nil) {
        error(at: location(of: node), message, hint: hint)
    }

    // MARK: Mappings

    /// The pairs of a mapping whose keys the caller names itself (ids), with
    /// duplicate keys reported at their second occurrence.
    func entries(of node: Node, what: String) -> [(name: String, key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(at: node, "\(what) must be a mapping of keys to values",
                  hint: "write it as { key: value, … } or one 'key: value' line each, indented under it")
            return nil
        }
        var seen: [String: SourceLocation] = [:]
        var result: [(name: String, key: Node, value: Node)] = []
        for (key, value) in mapping {
            guard let name = plainKey(key) else { continue }
            if let first = seen[name] {
                error(at: key, "duplicate key '\(name)' in \(what)",
                      hint: "it is already defined at line \(first.line); keep one of them")
                continue
            }
            seen[name] = location(of: key)
            result.append((name, key, value))
        }
        return result
    }

    /// The fields of a settings mapping: unknown keys (with a suggestion),
    /// duplicates and missing required keys are reported.
    func fields(of node: Node, what: String, allowed: [String], required: [String] = []) -> Fields? {
        guard let entries = entries(of: node, what: what) else { return nil }
        var fields = Fields(node: node)
        var suggested: Set<String> = []
        // Suggest only keys not already written: `lng` next to `lat` means `lon`.
        let present = Set(entries.map(\.name))
        let unused = allowed.filter { !present.contains($0) }
        for entry in entries {
            guard allowed.contains(entry.name) else {
                error(at: entry.key, "unknown key '\(entry.name)' in \(what)",
                      hint: Suggestions.hint(for: entry.name, in: unused, noun: "key"))
                if let match = Suggestions.closest(to: entry.name, in: unused) { suggested.insert(match) }
                continue
            }
            fields.values[entry.name] = entry.value
            fields.keys[entry.name] = entry.key
        }
        // A misspelt required key is one mistake, already reported with its fix.
        for name in required where fields.values[name] == nil && !suggested.contains(name) {
            error(at: node, "\(what) is missing '\(name)'", hint: "add '\(name): …'")
        }
        return fields
    }

    private func plainKey(_ key: Node) -> String? {
        guard case .scalar(let scalar) = key, !scalar.string.isEmpty else {
            error(at: key, "a key must be a plain name", hint: "complex and empty keys are not allowed")
            return nil
        }
        return scalar.string
    }

    // MARK: Scalars

    /// A non-empty scalar's text; `null`, `~` and empty values are reported.
    func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(at: node, "\(what) must be a single value, not a list or mapping")
            return nil
        }
        let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        guard !isNull, !scalar.string.isEmpty else {
            error(at: node, "\(what) has no value", hint: "write a value after the colon")
            return nil
        }
        return scalar.string
    }

    /// An unquoted number in `range`.
    func number(_ node: Node, what: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = string(node, what: what) else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain,
              let value = Double(text), value.isFinite else {
            error(at: node, "\(what) must be a number, not '\(text)'", hint: "write it without quotes")
            return nil
        }
        guard range.contains(value) else {
            error(at: node, "\(what) \(text) is out of range",
                  hint: "use a value from \(format(range.lowerBound)) to \(format(range.upperBound))")
            return nil
        }
        return value
    }

    /// An unquoted whole number in `range`.
    func integer(_ node: Node, what: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(text) else {
            error(at: node, "\(what) must be a whole number, not '\(text)'", hint: "write digits without quotes")
            return nil
        }
        guard range.contains(value) else {
            error(at: node, "\(what) \(value) is out of range",
                  hint: "use a value from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            let yaml11 = ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
            error(at: node, "\(what) must be true or false, not '\(text)'",
                  hint: yaml11 ? "'yes'/'no' and 'on'/'off' are not booleans here; write true or false" : "write true or false")
            return nil
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, what: String, as type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, what: what) else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        error(at: node, "\(what) '\(text)' is not one of \(names.joined(separator: ", "))",
              hint: Suggestions.hint(for: text, in: names, noun: "value"))
        return nil
    }

    /// Bridge and region ids end up in interface names, metrics labels and
    /// URLs, so they are kept to a safe alphabet.
    func identifier(_ name: String, at node: Node, what: String) -> Bool {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard allowed, (1...32).contains(name.count), name.first != "-", name.last != "-" else {
            error(at: node, "\(what) '\(name)' is not a valid name",
                  hint: "use 1 to 32 lowercase letters, digits and inner dashes, like 'eu-central' or 'fra-1'")
            return false
        }
        return true
    }

    /// `example` is the shape the hint shows, such as a listener's `0.0.0.0:8081`.
    func socketAddress(_ node: Node, what: String,
                       example: String = "203.0.113.10:10000 or [2001:db8::1]:10000") -> SocketAddress? {
        guard let text = string(node, what: what) else { return nil }
        switch SocketAddress.parse(text) {
        case .success(let address): return address
        case .failure(let why):
            error(at: node, "\(what) '\(text)' is not HOST:PORT: \(why)", hint: "write it as \(example)")
            return nil
        }
    }

    func cidr(_ node: Node, what: String) -> CIDR? {
        guard let text = string(node, what: what) else { return nil }
        switch CIDR.parse(text) {
        case .success(let cidr): return cidr
        case .failure(let why):
            // A bare address is a prefix of one: say which length that is.
            let single = IPAddress(text).map { "write a single address as \(text)/\($0.bytes.count * 8)" }
            error(at: node, "\(what) '\(text)' is not a valid prefix: \(why)",
                  hint: single ?? "write it as 10.77.0.0/16 or 2001:db8::/32")
            return nil
        }
    }

    func publicKey(_ node: Node, what: String) -> PublicKey? {
        guard let text = string(node, what: what) else { return nil }
        guard let bytes = Base64.decode(text) else {
            error(at: node, "\(what) is not valid base64",
                  hint: "paste the public line printed by 'meridian keygen'")
            return nil
        }
        guard let key = PublicKey(bytes: bytes) else {
            error(at: node, "\(what) is \(bytes.count) bytes; a Curve25519 public key is 32 bytes",
                  hint: "paste the public line printed by 'meridian keygen'")
            return nil
        }
        return key
    }

    func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(at: node, "\(what) must be a list", hint: "write it as [a, b] or one '- item' per line")
            return nil
        }
        return Array(sequence)
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// The known fields of one mapping, by key, with the key nodes for locations.
struct Fields {
    let node: Node
    var values: [String: Node] = [:]
    var keys: [String: Node] = [:]

    subscript(_ name: String) -> Node? { values[name] }
}
