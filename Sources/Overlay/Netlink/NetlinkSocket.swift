import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// One netlink socket (libmnl) speaking request/reply with the kernel.
///
/// A socket is bound to the network namespace of the thread that opened it,
/// for its whole life: tests open one on a thread that entered a test
/// namespace and then use it from anywhere.
///
/// Concurrency: not thread-safe. One request is in flight at a time and the
/// owner calls it from one thread (the `meridian overlay` command, a test).
final class NetlinkSocket {
    private let handle: OpaquePointer
    private let portID: UInt32
    private var sequence: UInt32
    /// Large enough for any dump message the kernel sends (it sizes them to
    /// the reader's buffer, at most 32 KiB); a truncated read is an error.
    private static let receiveBufferSize = 32 * 1024

    init(bus: Int32) throws(NetlinkError) {
        guard let handle = mnl_socket_open2(bus, Int32(SOCK_CLOEXEC.rawValue)) else {
            throw NetlinkError(operation: "open netlink socket (bus \(bus))", code: errno)
        }
        guard mnl_socket_bind(handle, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(handle)
            throw NetlinkError(operation: "bind netlink socket (bus \(bus))", code: code)
        }
        // A kernel that never answers must produce an error, not a hang.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(mnl_socket_get_fd(handle), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.handle = handle
        self.portID = mnl_socket_get_portid(handle)
        self.sequence = UInt32(truncatingIfNeeded: time(nil))
    }

    deinit { mnl_socket_close(handle) }

    /// Sends one request and hands every reply message to `onReply`, until the
    /// kernel's ACK (for `NLM_F_ACK` requests) or `NLMSG_DONE` (for dumps).
    ///
    /// - Parameters:
    ///   - operation: words for the error message if the kernel refuses.
    ///   - flags: `NLM_F_*` besides `NLM_F_REQUEST`, e.g. `NLM_F_ACK | NLM_F_CREATE`.
    ///   - capacity: bytes for the request; a request that would not fit is
    ///     refused with EMSGSIZE rather than truncated.
    ///   - build: adds the family header and attributes.
    func transact(_ operation: String, type: UInt16, flags: Int32, capacity: Int = 4096,
                  build: (NetlinkMessageBuilder) -> Void,
                  onReply: (UnsafePointer<nlmsghdr>) -> Void = { _ in }) throws(NetlinkError) {
        sequence &+= 1
        let seq = sequence
        let request = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { request.deallocate() }
        request.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        let header = mnl_nlmsg_put_header(request)!
        header.pointee.nlmsg_type = type
        header.pointee.nlmsg_flags = UInt16(truncatingIfNeeded: NLM_F_REQUEST | flags)
        header.pointee.nlmsg_seq = seq
        let builder = NetlinkMessageBuilder(header: header, capacity: capacity)
        build(builder)
        guard !builder.overflowed else { throw NetlinkError(operation: operation, code: EMSGSIZE) }

        guard mnl_socket_sendto(handle, request, Int(header.pointee.nlmsg_len)) >= 0 else {
            throw NetlinkError(operation: operation, code: errno)
        }
        let reply = UnsafeMutableRawPointer.allocate(byteCount: Self.receiveBufferSize, alignment: 8)
        defer { reply.deallocate() }
        try withoutActuallyEscaping(onReply) { (handler) throws(NetlinkError) in
            let box = ReplyHandler(handler)
            let context = Unmanaged.passUnretained(box).toOpaque()
            while true {
                let received = mnl_socket_recvfrom(handle, reply, Self.receiveBufferSize)
                guard received >= 0 else { throw NetlinkError(operation: operation, code: errno) }
                let status = mnl_cb_run(reply, received, seq, portID, { message, context in
                    guard let message, let context else { return MNL_CB_ERROR }
                    Unmanaged<ReplyHandler>.fromOpaque(context).takeUnretainedValue().handle(message)
                    return MNL_CB_OK
                }, context)
                if status == MNL_CB_ERROR { throw NetlinkError(operation: operation, code: errno) }
                if status == MNL_CB_STOP { return }
            }
        }
    }
}

@available(*, unavailable)
extension NetlinkSocket: Sendable {}

/// Carries the caller's closure through libmnl's `void *data`.
private final class ReplyHandler {
    let handle: (UnsafePointer<nlmsghdr>) -> Void
    init(_ handle: @escaping (UnsafePointer<nlmsghdr>) -> Void) { self.handle = handle }
}
