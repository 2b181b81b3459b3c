import Glibc
@testable import Overlay
import Topology

/// A plain UDP socket for namespace tests. Open it inside a namespace
/// (`NetnsLab.inside`); it stays there and can be used from any thread.
///
/// Concurrency: one test task uses it at a time; `@unchecked Sendable` so it
/// can be returned from the namespace thread.
final class NetnsUDPSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32

    init(binding address: SocketAddress) throws {
        let family = address.host.isIPv6 ? AF_INET6 : AF_INET
        fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        let raw = Sockaddr.encode(address)
        let bound = raw.withUnsafeBytes {
            bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "bind \(address): \(reason)")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8], to address: SocketAddress) throws {
        let raw = Sockaddr.encode(address)
        let sent = raw.withUnsafeBytes { target in
            bytes.withUnsafeBytes { payload in
                sendto(fd, payload.baseAddress, payload.count, 0,
                       target.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(target.count))
            }
        }
        guard sent == bytes.count else { throw Failure(description: "sendto \(address): \(String(cString: strerror(errno)))") }
    }

    /// The next datagram, or nil if none arrives within `timeout` seconds.
    func receive(timeout: Double) throws -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(timeout * 1000))
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
        return Array(buffer[0..<n])
    }
}

extension NetnsUDPSocket {
    /// The port the kernel picked for a socket bound to port 0.
    func localPort() throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { throw Failure(description: "getsockname: \(String(cString: strerror(errno)))") }
        return withUnsafeBytes(of: storage) { UInt16($0[2]) << 8 | UInt16($0[3]) }
    }
}
