import Foundation

/// The C reference of `meridian bench forward` (`ForwardingReferenceSource`):
/// built with the system C compiler at `-O2` against libsrtp2, then run as a
/// child process on the same keys, subscribers and load as the bridge. It
/// reports its counters and its thread's CPU time on request, through a pipe.
///
/// Single-threaded: used by the benchmark's controlling thread only.
final class ForwardingReference: ForwardingTarget {
    let name = "reference"
    let address: PeerAddress
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var pending: [UInt8] = []

    /// Compiles the reference into `directory` and returns the executable's
    /// path. `compilerFlags` describes the command for the report.
    static func build(in directory: URL) throws(ForwardingBenchmarkError) -> (executable: URL, command: String) {
        let source = directory.appendingPathComponent(ForwardingReferenceSource.fileName)
        let executable = directory.appendingPathComponent("forward_reference")
        do {
            try ForwardingReferenceSource.text.write(to: source, atomically: true, encoding: .utf8)
        } catch {
            throw .setup("cannot write \(source.path): \(error)")
        }
        // pkg-config knows where Debian keeps libsrtp2; -lsrtp2 alone works when it is absent.
        let libraries = (try? runTool(["pkg-config", "--cflags", "--libs", "libsrtp2"]))
            .flatMap { $0.status == 0 ? $0.output : nil }?
            .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["-lsrtp2"]
        let arguments = ["cc", "-O2", "-o", executable.path, source.path] + libraries
        let result = try runTool(arguments)
        guard result.status == 0 else { throw .referenceBuildFailed(output: result.output) }
        let shown = ["cc", "-O2", ForwardingReferenceSource.fileName] + libraries
        return (executable, shown.joined(separator: " "))
    }

    /// Runs a tool found on PATH; its status and combined output.
    private static func runTool(_ arguments: [String]) throws(ForwardingBenchmarkError) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw .compilerUnavailable("\(arguments[0]): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 { throw .compilerUnavailable("\(arguments[0]) not found: \(output)") }
        return (process.terminationStatus, output)
    }

    /// Starts the reference forwarding to `subscribers` with the bridge-side
    /// keys of `legs`, and waits for the port it bound.
    init(executable: URL, legs: ForwardingLegs, subscribers: [PeerAddress]) throws(ForwardingBenchmarkError) {
        func hex(_ bytes: [UInt8]) -> String {
            bytes.map { String(format: "%02x", $0) }.joined()
        }
        let inbound = legs.publisher.bridgeSide
        var arguments = [hex(inbound.remoteMasterKey + inbound.remoteMasterSalt), String(legs.announcedSSRC)]
        for (leg, address) in zip(legs.subscribers, subscribers) {
            arguments.append("\(address.port):\(hex(leg.bridgeSide.localMasterKey + leg.bridgeSide.localMasterSalt))")
        }
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        do { try process.run() } catch { throw .referenceFailed("cannot start \(executable.path): \(error)") }
        var pending: [UInt8] = []
        let line = try Self.readLine(from: output, pending: &pending, process: process)
        self.pending = pending
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "port", let port = UInt16(words[1]) else {
            process.terminate()
            throw .referenceFailed("expected \"port N\", got \"\(line)\"")
        }
        address = PeerAddress(ip: [127, 0, 0, 1], port: port)!
    }

    deinit { stop() }

    func snapshot() throws(ForwardingBenchmarkError) -> ForwardingSnapshot {
        do { try input.write(contentsOf: Data("stats\n".utf8)) } catch {
            throw .referenceFailed("it stopped reading its commands: \(error)")
        }
        let line = try Self.readLine(from: output, pending: &pending, process: process)
        let numbers = line.split(separator: " ").compactMap { UInt64($0) }
        guard numbers.count == 4 else { throw .referenceFailed("unexpected stats line \"\(line)\"") }
        return ForwardingSnapshot(packetsIn: numbers[0], packetsOut: numbers[1], drops: numbers[2],
                                  cpuNanoseconds: numbers[3])
    }

    /// Closes its input (it exits on end of file) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        try? input.close()
        process.waitUntilExit()
    }

    private static func readLine(from output: FileHandle, pending: inout [UInt8],
                                 process: Process) throws(ForwardingBenchmarkError) -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let data = output.availableData
            guard !data.isEmpty else {
                process.waitUntilExit()
                throw .referenceFailed("it exited with status \(process.terminationStatus)")
            }
            pending.append(contentsOf: data)
        }
    }
}

@available(*, unavailable)
extension ForwardingReference: Sendable {}
