#if canImport(Glibc)
import Glibc
import CMNL
#endif

/// The UNIX stream socket a userspace WireGuard implementation listens on,
/// `/var/run/wireguard/NAME.sock`: one request and its reply per connection.
///
/// wireguard-go keeps these sockets in one directory for every network
/// namespace, so a live socket says nothing about *this* namespace;
/// `WireGuardGoProcess.daemon(serving:)` tells whether its daemon is ours.
struct UAPIConnection {
    static let directory = "/var/run/wireguard"
    /// A reply that takes longer than this means the daemon is wedged.
    static let timeoutSeconds = 5

    /// Why a socket could not be used, with the errno when there is one.
    enum Failure: Error, Equatable {
        /// No socket file, or nobody listening on it (a stale file).
        case notListening
        case permissionDenied
        case io(String, Int32)
        case tooLong
    }

    let path: String

    init(interface: String) {
        path = "\(Self.directory)/\(interface).sock"
    }

    /// Sends `request` and reads until the reply's closing blank line.
    func exchange(_ request: String) throws(Failure) -> String {
        let fd = try connect()
        defer { close(fd) }
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io("send", errno)
            }
            sent += n
        }
        bytes.removeAll()
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        // 1 MiB is thousands of peers; beyond that the daemon is not a WireGuard implementation.
        while reply.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io("receive", errno)
            }
            if n == 0 { break }
            reply.append(contentsOf: chunk[0..<n])
            if reply.count >= 2, reply[reply.count - 2] == 10, reply[reply.count - 1] == 10 { break }
        }
        if reply.count >= 1 << 20 { throw .tooLong }
        return String(decoding: reply, as: UTF8.self)
    }

    /// Connects and hangs up: throws `.notListening` for a missing or stale
    /// socket file, `.permissionDenied` without root.
    func probe() throws(Failure) {
        close(try connect())
    }

    private func connect() throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io("socket", errno) }
        var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw .io("socket path too long", ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            switch code {
            case ENOENT, ECONNREFUSED: throw .notListening
            case EACCES, EPERM: throw .permissionDenied
            default: throw .io("connect to \(path)", code)
            }
        }
        return fd
    }
}

