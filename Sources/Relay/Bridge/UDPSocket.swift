import CSocket
#if canImport(Glibc)
import Glibc
#endif

/// The bridge's one UDP port for all participants, nonblocking, read and
/// written in batches (`recvmmsg`/`sendmmsg`) so one system call moves up to
/// a batch of datagrams.
///
/// Single-threaded: owned by the media thread.
final class UDPSocket {
    let fd: Int32
    let family: Int32
    /// The address actually bound (the port is filled in when 0 was asked).
    let localAddress: PeerAddress

    enum Failure: Error, CustomStringConvertible {
        case system(String, Int32)

        var description: String {
            switch self {
            case .system(let call, let code): return "\(call): \(String(cString: strerror(code)))"
            }
        }
    }

    init(bind address: PeerAddress) throws(Failure) {
        family = address.isIPv4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        self.fd = fd
        // Large buffers absorb bursts (keyframes to many receivers) while the
        // media thread is busy.
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        let length = address.write(to: &storage, family: family)
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .system("bind \(address)", code)
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        localAddress = withUnsafePointer(to: &actual) { PeerAddress($0) } ?? address
    }

    deinit { close(fd) }

    /// Fills `batch` with what is waiting; 0 when nothing is.
    func receive(into batch: DatagramBatch) -> Int {
        batch.prepareForReceive()
        let received = CSocket_recvmmsg(fd, batch.headers, UInt32(batch.capacity), 0)
        guard received > 0 else { return 0 }
        batch.didReceive(Int(received))
        return Int(received)
    }

    /// Sends every committed datagram of `batch` and empties it. A datagram
    /// the kernel refuses (full buffer, unreachable peer) is dropped — media
    /// is loss-tolerant and the retransmission path exists for that — and
    /// the count of such drops is returned.
    @discardableResult
    func send(_ batch: DatagramBatch) -> Int {
        var offset = 0
        var dropped = 0
        while offset < batch.count {
            let sent = CSocket_sendmmsg(fd, batch.headers + offset, UInt32(batch.count - offset), 0)
            if sent > 0 {
                offset += Int(sent)
            } else if errno == EINTR {
                continue
            } else {
                // Skip the datagram the kernel refused and carry on with the rest.
                offset += 1
                dropped += 1
            }
        }
        batch.count = 0
        return dropped
    }
}
