/// One problem in a topology file, located the way compilers do it so that
/// editors and terminals can jump to it:
///
///     topology/earth.yaml:12:5: error: unknown key 'regoin' (did you mean 'region'?)
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// What is wrong.
    public var message: String
    /// How to fix it; printed in parentheses.
    public var hint: String?

    public init(file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let fix = hint.map { " (\($0))" } ?? ""
        return "\(file):\(line):\(column): error: \(message)\(fix)"
    }
}

/// Every problem found in one topology file, in file order. Thrown by
/// `Topology.load(path:)` and `Topology.parse(yaml:file:)`.
public struct TopologyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// A line and column in the file (1-based), carried from Yams' marks.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourceLocation(line: 1, column: 1)
}
