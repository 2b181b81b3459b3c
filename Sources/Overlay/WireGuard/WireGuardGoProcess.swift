#if canImport(Glibc)
import Glibc
#endif

/// Starting and stopping `wireguard-go`, the userspace implementation used
/// when the kernel has no WireGuard module.
///
/// `wireguard-go NAME` creates the TUN device and the UAPI socket, forks a
/// daemon that serves them, and exits 0; so when it returns, both exist. The
/// daemon's stdio is /dev/null unless LOG_LEVEL is set, in which case it keeps
/// writing to whatever it inherited: hence the launcher's output goes to an
/// unlinked temporary file, never to a pipe someone might wait on.
///
/// The daemon exits by itself when its interface is deleted or its socket
/// removed; `stop(pid:)` waits for that and only signals it if it lingers.
enum WireGuardGoProcess {
    static let tunDevice = "/dev/net/tun"

    /// `wireguard-go` on PATH, as a shell would find it.
    static func locate(path: String? = getenv("PATH").map { String(cString: $0) }) -> String? {
        for directory in (path ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/wireguard-go"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `wireguard-go NAME` to completion and checks that it left a
    /// listening UAPI socket behind.
    static func start(interface: String) throws(OverlayError) {
        let searched = getenv("PATH").map { String(cString: $0) } ?? ""
        guard let executable = locate(path: searched) else { throw .wireGuardGoMissing(path: searched) }
        guard access(tunDevice, F_OK) == 0 else { throw .tunDeviceMissing(tunDevice) }

        var template = Array("/tmp/meridian-wireguard-go-XXXXXX".utf8CString)
        let output = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard output >= 0 else { throw .wireGuardGoFailed(interface: interface, status: -1, output: "cannot create a temporary file") }
        defer { close(output) }
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)

        var pid = pid_t()
        let arguments = [executable, interface]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw .wireGuardGoFailed(interface: interface, status: -1,
                                     output: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else {
            throw .wireGuardGoFailed(interface: interface, status: code, output: readAll(output))
        }
        // The socket exists when the launcher exits; allow a moment anyway
        // for implementations that create it from the daemon.
        let connection = UAPIConnection(interface: interface)
        for _ in 0..<50 {
            if (try? connection.probe()) != nil { return }
            usleep(20_000)
        }
        throw .uapi(interface: interface, "wireguard-go exited 0 but \(connection.path) is not listening")
    }

    enum StopOutcome: Equatable, Sendable {
        /// It exited because its interface went away (the normal case).
        case exitedOnItsOwn
        case exitedAfterSIGTERM
        case stillRunning
    }

    /// Waits up to `timeout` seconds for `pid` to exit, then sends SIGTERM and
    /// waits as long again.
    static func stop(pid: pid_t, timeout: Double = 3) -> StopOutcome {
        if waitForExit(pid: pid, timeout: timeout) { return .exitedOnItsOwn }
        kill(pid, SIGTERM)
        return waitForExit(pid: pid, timeout: timeout) ? .exitedAfterSIGTERM : .stillRunning
    }

    /// A zombie has exited (only its parent has not collected it yet; the
    /// daemon's parent is init, which may take a moment).
    static func isRunning(pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        guard let stat = readFile("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// The process serving TUN interface `name` in this network namespace:
    /// the one holding a `/dev/net/tun` descriptor attached to `name`
    /// (`iff:` in its fdinfo). The UAPI socket cannot tell: SO_PEERCRED names
    /// the launcher that created the socket, which has exited by then.
    static func daemon(serving name: String) -> pid_t? {
        guard let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        let own = getpid()
        while let entry = readdir(proc) {
            let pidText = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(pidText), pid != own else { continue }
            if holdsTun(pid: pid, named: name) && sharesNetworkNamespace(pid: pid) { return pid }
        }
        return nil
    }

    private static func holdsTun(pid: pid_t, named name: String) -> Bool {
        guard let fds = opendir("/proc/\(pid)/fd") else { return false }
        defer { closedir(fds) }
        while let entry = readdir(fds) {
            let fd = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard Int(fd) != nil, readLink("/proc/\(pid)/fd/\(fd)") == tunDevice,
                  let info = readFile("/proc/\(pid)/fdinfo/\(fd)") else { continue }
            if info.split(separator: "\n").contains(where: { $0 == "iff:\t\(name)" }) { return true }
        }
        return false
    }

    /// Whether `pid` lives in the network namespace of the calling thread
    /// (`thread-self`: a thread may have entered another one with setns).
    static func sharesNetworkNamespace(pid: pid_t) -> Bool {
        guard let theirs = readLink("/proc/\(pid)/ns/net"), let ours = readLink("/proc/thread-self/ns/net") else { return false }
        return theirs == ours
    }

    static func waitForExit(pid: pid_t, timeout: Double) -> Bool {
        let steps = max(1, Int(timeout / 0.02))
        for _ in 0..<steps {
            if !isRunning(pid: pid) { return true }
            usleep(20_000)
        }
        return !isRunning(pid: pid)
    }

    private static func readAll(_ fd: Int32) -> String {
        lseek(fd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 64 * 1024 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        // Keep the error lines, not wireguard-go's banner box on Linux.
        return String(decoding: bytes, as: UTF8.self)
            .split(separator: "\n")
            .filter { !$0.contains("│") && !$0.contains("┌") && !$0.contains("└") }
            .joined(separator: "; ")
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
