import Foundation
import Glibc
import Testing

/// Network namespaces for one test, with names unique to this run, that are
/// ALWAYS removed: `NetnsLab.with { lab in … }` deletes them in a `defer`,
/// whether the body returns, throws or an expectation failed.
///
/// Removal first kills every process still inside a namespace (a wireguard-go
/// keeps its namespace, its interface and its UAPI socket alive otherwise),
/// then deletes the namespace.
///
/// Also the seam for later overlay tests: `run(_:in:)` runs any command inside
/// a namespace and returns its output, `NetnsLab.inside(_:_:)` runs Swift code
/// (e.g. opening sockets) in one.
///
/// Concurrency: one test uses a lab from one task; `@unchecked Sendable` only
/// so that it can be captured by the thread `inside` starts.
final class NetnsLab: @unchecked Sendable {
    /// 6 hex digits unique to this lab, part of every name it creates.
    let tag: String
    private(set) var namespaces: [String] = []

    private init() {
        tag = String(format: "%06x", UInt32.random(in: 0...0xff_ffff))
    }

    /// Runs `body` with a fresh lab and removes its namespaces afterwards.
    static func with<T>(_ body: (NetnsLab) throws -> T) throws -> T {
        let lab = NetnsLab()
        defer { lab.destroy() }
        return try body(lab)
    }

    // MARK: - Preconditions

    enum Tool: String { case ip, wireguardGo = "wireguard-go", wg }

    /// nil when namespace tests can run here, otherwise why not. Tests print
    /// it and skip (`Test.cancel`), never pass silently.
    static func unavailableReason(needs tools: [Tool] = [.ip]) -> String? {
        if geteuid() != 0 { return "not root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)" }
        for tool in tools where executable(tool.rawValue) == nil {
            return "\(tool.rawValue) is not installed (CI installs iproute2 wireguard-go wireguard-tools)"
        }
        if tools.contains(.wireguardGo) && access("/dev/net/tun", F_OK) != 0 {
            return "/dev/net/tun does not exist, so wireguard-go cannot create interfaces"
        }
        return nil
    }

    /// Prints the reason and cancels (skips) the current test if the lab cannot run.
    static func skipUnlessAvailable(needs tools: [Tool] = [.ip]) throws {
        if let reason = unavailableReason(needs: tools) {
            print("skipped: \(reason)")
            try Test.cancel(Comment(rawValue: reason))
        }
    }

    static func executable(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/\(name)", X_OK) == 0 {
            return "\(directory)/\(name)"
        }
        return nil
    }

    // MARK: - Namespaces

    /// The namespace name for `role` in this lab: `mwg<tag><role>`.
    func namespace(_ role: String) -> String { "mwg\(tag)\(role)" }

    /// An interface name unique across labs (≤ 15 bytes): wireguard-go's UAPI
    /// sockets share one directory for all namespaces.
    func interface(_ role: String) -> String { "wm\(tag)\(role)" }

    /// Creates namespace `namespace(role)` with its loopback up.
    @discardableResult
    func addNamespace(_ role: String) throws -> String {
        let name = namespace(role)
        try check(["ip", "netns", "add", name])
        namespaces.append(name)
        try check(["ip", "-n", name, "link", "set", "lo", "up"])
        return name
    }

    /// Kills what still runs in each namespace, then deletes it. Never throws:
    /// it runs from `defer` and must get through every namespace.
    func destroy() {
        for name in namespaces.reversed() {
            for _ in 0..<3 {
                let pids = ((try? run(["ip", "netns", "pids", name]))?.stdout ?? "")
                    .split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                if pids.isEmpty { break }
                pids.forEach { kill($0, SIGTERM) }
                usleep(200_000)
                pids.forEach { kill($0, SIGKILL) }
            }
            _ = try? run(["ip", "netns", "del", name])
        }
        namespaces.removeAll()
    }

    // MARK: - Commands

    struct Output: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "status \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var command: [String]
        var output: Output
        var description: String { "\(command.joined(separator: " ")) failed: \(output)" }
    }

    /// Runs `command` (inside `namespace` via `ip netns exec` if given) and
    /// returns its output. Output goes through temporary files, so neither a
    /// chatty command nor a daemon it leaves behind can block the test; a
    /// command still running after `timeout` seconds is killed.
    ///
    /// posix_spawn and waitpid, not Foundation's `Process`: its exit
    /// monitoring (one SIGCHLD source for every process) was seen to miss an
    /// exit and wait forever while other tests spawned processes.
    func run(_ command: [String], in namespace: String? = nil, timeout: Double = 60) throws -> Output {
        var full = command
        if let namespace { full = ["ip", "netns", "exec", namespace] + command }
        guard let executable = full.first.flatMap({ $0.hasPrefix("/") ? $0 : Self.executable($0) }) else {
            throw CommandFailed(command: full, output: Output(status: 127, stdout: "", stderr: "not found"))
        }
        let base = NSTemporaryDirectory() + "netns-\(UUID().uuidString)"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + full.dropFirst()).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw CommandFailed(command: full, output: Output(status: 127, stdout: "", stderr: String(cString: strerror(spawned))))
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var finished = false
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) { finished = true; break }
            usleep(5_000)
        }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        guard finished else {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw CommandFailed(command: full, output: Output(status: -1, stdout: read(base + ".out"),
                                                              stderr: read(base + ".err") + "\n(killed after \(timeout) s)"))
        }
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: code, stdout: read(base + ".out"), stderr: read(base + ".err"))
    }

    /// `run`, throwing unless the command exits 0.
    @discardableResult
    func check(_ command: [String], in namespace: String? = nil) throws -> Output {
        let output = try run(command, in: namespace)
        guard output.status == 0 else { throw CommandFailed(command: command, output: output) }
        return output
    }

    // MARK: - Swift code inside a namespace

    struct NamespaceError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` on a new thread that has entered `namespace` (setns), and
    /// returns its result. Sockets opened there stay in that namespace for
    /// their whole life, so they can be used from any thread afterwards.
    static func inside<T>(_ namespace: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            let fd = open("/var/run/netns/\(namespace)", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                box.result = .failure(NamespaceError(description: "open /var/run/netns/\(namespace): \(String(cString: strerror(errno)))"))
                return
            }
            defer { close(fd) }
            guard let setns = Self.setns, setns(fd, Self.cloneNewNet) == 0 else {
                box.result = .failure(NamespaceError(description: "setns(\(namespace)): \(String(cString: strerror(errno)))"))
                return
            }
            box.result = Result { try body() }
        }
        thread.start()
        done.wait()
        guard let result = box.result else { throw NamespaceError(description: "namespace thread produced nothing") }
        return try result.get()
    }

    /// CLONE_NEWNET from <sched.h>; Glibc hides it and `setns` without _GNU_SOURCE.
    private static let cloneNewNet: Int32 = 0x4000_0000
    private static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
