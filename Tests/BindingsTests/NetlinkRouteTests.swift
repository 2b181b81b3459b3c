import CMNL
import Glibc
import Testing

/// libmnl through the `CMNL` module map: an rtnetlink link dump, parsed with
/// `mnl_cb_run` / `mnl_attr_parse`. Kept in the test on purpose: the
/// reusable rtnetlink code lives in `Sources/Overlay/Netlink`, owned by the
/// overlay work.
@Suite("libmnl bindings")
struct NetlinkRouteTests {
    struct Link: Equatable {
        var index: Int32
        var flags: UInt32
        var name: String
    }

    /// Collects links while libmnl walks the dump; passed as `void *data`.
    final class LinkCollector {
        var links: [Link] = []
        var pendingName: String?
    }

    enum Outcome {
        case links([Link])
        case notPermitted(String)
    }

    /// RTM_GETLINK with NLM_F_DUMP on a NETLINK_ROUTE socket
    /// (RFC 3549 §3.1.1; rtnetlink(7)).
    static func dumpLinks() throws -> Outcome {
        guard let socket = mnl_socket_open(NETLINK_ROUTE) else {
            return try refusal(errno, during: "mnl_socket_open(NETLINK_ROUTE)")
        }
        defer { mnl_socket_close(socket) }
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            return try refusal(errno, during: "mnl_socket_bind")
        }
        // Bounded wait: a broken kernel or sandbox must fail the test, not hang it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        guard setsockopt(mnl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO,
                         &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw NetlinkTestError(operation: "setsockopt(SO_RCVTIMEO)", code: errno)
        }

        let bufferSize = 32_768
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        let header = mnl_nlmsg_put_header(buffer)!
        header.pointee.nlmsg_type = UInt16(RTM_GETLINK)
        header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST | NLM_F_DUMP)
        let sequence = UInt32(truncatingIfNeeded: time(nil))
        header.pointee.nlmsg_seq = sequence
        let family = mnl_nlmsg_put_extra_header(header, MemoryLayout<rtgenmsg>.size)!
        family.assumingMemoryBound(to: rtgenmsg.self).pointee.rtgen_family = UInt8(AF_PACKET)

        guard mnl_socket_sendto(socket, header, Int(header.pointee.nlmsg_len)) >= 0 else {
            throw NetlinkTestError(operation: "mnl_socket_sendto", code: errno)
        }
        let portID = mnl_socket_get_portid(socket)

        let collector = LinkCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        while true {
            let received = mnl_socket_recvfrom(socket, buffer, bufferSize)
            guard received > 0 else { throw NetlinkTestError(operation: "mnl_socket_recvfrom", code: errno) }
            let status = mnl_cb_run(buffer, received, sequence, portID, { message, data in
                guard let message, let data else { return MNL_CB_ERROR }
                let collector = Unmanaged<LinkCollector>.fromOpaque(data).takeUnretainedValue()
                let info = CMNL_ifinfomsg(message)!.pointee
                collector.pendingName = nil
                let parsed = mnl_attr_parse(message, UInt32(MemoryLayout<ifinfomsg>.size), { attribute, data in
                    guard let attribute, let data else { return MNL_CB_ERROR }
                    if mnl_attr_get_type(attribute) == UInt16(IFLA_IFNAME),
                       mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) >= 0 {
                        let collector = Unmanaged<LinkCollector>.fromOpaque(data).takeUnretainedValue()
                        collector.pendingName = String(cString: mnl_attr_get_str(attribute))
                    }
                    return MNL_CB_OK
                }, data)
                guard parsed >= MNL_CB_OK, let name = collector.pendingName else { return MNL_CB_ERROR }
                collector.links.append(Link(index: info.ifi_index, flags: info.ifi_flags, name: name))
                return MNL_CB_OK
            }, context)
            if status == MNL_CB_ERROR { throw NetlinkTestError(operation: "mnl_cb_run", code: errno) }
            if status == MNL_CB_STOP { break }   // NLMSG_DONE ends the dump
        }
        return .links(collector.links)
    }

    /// EPERM/EACCES mean this sandbox forbids netlink: report and skip.
    /// Any other errno is a real failure.
    private static func refusal(_ code: Int32, during operation: String) throws -> Outcome {
        guard code == EPERM || code == EACCES else { throw NetlinkTestError(operation: operation, code: code) }
        return .notPermitted("\(operation): \(String(cString: strerror(code)))")
    }

    @Test func linkDumpListsLoopbackInterface() throws {
        switch try Self.dumpLinks() {
        case let .notPermitted(reason):
            print("skipped: netlink not permitted here (\(reason))")
        case let .links(links):
            #expect(!links.isEmpty)
            let loopback = try #require(links.first { $0.name == "lo" }, "links: \(links.map(\.name))")
            #expect(loopback.flags & UInt32(IFF_LOOPBACK) != 0)
            #expect(loopback.index == Int32(if_nametoindex("lo")), "netlink and ioctl agree on lo's index")
            #expect(Set(links.map(\.index)).count == links.count, "each link appears once")
        }
    }
}

struct NetlinkTestError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
}
