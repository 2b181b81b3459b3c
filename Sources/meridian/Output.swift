import Foundation

/// Writes a line to standard error (diagnostics never mix with command output).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints a line and flushes at once: `meridian up` is often read through a
/// pipe (tests, `tee`), where stdout would otherwise be block-buffered.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
