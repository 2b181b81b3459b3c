import Foundation

/// Writes a line to standard error (diagnostics never mix with command output).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
