import Foundation
import Yams

extension Topology {
    /// Larger than any real topology by two orders of magnitude; a file past
    /// this is a mistake (a log pasted in, a binary) and is refused unread.
    public static let maximumFileSize = 1 << 20

    /// Reads, parses and validates a topology file. Every problem of the file
    /// is in the thrown error, each located as `FILE:LINE:COLUMN`.
    public static func load(path: String) throws(TopologyError) -> Topology {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                throw TopologyError([Diagnostic(file: path, line: 1, column: 1, message: "not a regular file",
                                                hint: "pass the path of a .yaml topology file")])
            }
            if let size = attributes[.size] as? Int, size > maximumFileSize {
                throw TopologyError([tooLarge(path, size: size)])
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as TopologyError {
            throw error
        } catch {
            let reason = (error as NSError).localizedDescription
            throw TopologyError([Diagnostic(file: path, line: 1, column: 1, message: "cannot read the file: \(reason)",
                                            hint: "check the path and its permissions")])
        }
        guard data.count <= maximumFileSize else { throw TopologyError([tooLarge(path, size: data.count)]) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TopologyError([Diagnostic(file: path, line: 1, column: 1, message: "the file is not UTF-8 text",
                                            hint: "save it as UTF-8 YAML")])
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates topology text; `file` is only used in messages.
    public static func parse(yaml: String, file: String) throws(TopologyError) -> Topology {
        func fail(_ message: String, _ hint: String, at location: SourceLocation = .start) -> TopologyError {
            TopologyError([Diagnostic(file: file, line: location.line, column: location.column,
                                      message: message, hint: hint)])
        }
        guard yaml.utf8.count <= maximumFileSize else { throw TopologyError([tooLarge(file, size: yaml.utf8.count)]) }
        if yaml.contains("\0") {
            throw fail("the file contains NUL bytes", "a topology is YAML text; was a binary file passed?")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            let (message, location) = describe(error)
            throw fail("not valid YAML: \(message)", "check indentation (spaces, not tabs), colons and quotes",
                       at: location)
        } catch {
            throw fail("not valid YAML: \(error)", "check indentation, colons and quotes")
        }
        guard let root, !isEmptyDocument(root) else {
            throw fail("the file is empty", "a topology needs version, name, regions, overlay and bridges")
        }
        let parser = TopologyParser(file: file)
        let topology = parser.parse(root: root)
        if let topology {
            TopologyValidator(topology: topology, sources: parser.sources, reader: parser.reader).validate()
        }
        guard parser.reader.diagnostics.isEmpty, let topology else {
            throw TopologyError(parser.reader.diagnostics)
        }
        return topology
    }

    private static func tooLarge(_ file: String, size: Int) -> Diagnostic {
        Diagnostic(file: file, line: 1, column: 1,
                   message: "the file is \(size) bytes; a topology may be at most \(maximumFileSize) bytes",
                   hint: "is this the right file?")
    }

    private static func isEmptyDocument(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null"].contains(scalar.string)
    }

    private static func describe(_ error: YamlError) -> (String, SourceLocation) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) (\($0.text))" } ?? problem
            return (text, SourceLocation(line: mark.line, column: mark.column))
        case .reader(let problem, _, _, _):
            return (problem, .start)
        default:
            return ("\(error)", .start)
        }
    }
}
