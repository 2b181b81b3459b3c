import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// Generic netlink through libmnl: resolving a family by name
/// (`CTRL_CMD_GETFAMILY`) and sending that family's commands.
///
/// Bound to the network namespace of the thread that created it.
/// Concurrency: not thread-safe; use from one thread.
final class GenericNetlink {
    private let socket: NetlinkSocket

    init() throws(NetlinkError) {
        socket = try NetlinkSocket(bus: NETLINK_GENERIC)
    }

    /// The numeric id the kernel gave family `name`, or nil if no such family
    /// is registered (its module is not loaded).
    func familyID(named name: String) throws(NetlinkError) -> UInt16? {
        var id: UInt16?
        do {
            try send("resolve generic netlink family \(name)", family: UInt16(GENL_ID_CTRL),
                     command: UInt8(CTRL_CMD_GETFAMILY), version: 1, flags: NLM_F_ACK, build: { message in
                message.put(UInt16(CTRL_ATTR_FAMILY_NAME), string: name)
            }, onReply: { attributes in
                id = attributes[type: UInt16(CTRL_ATTR_FAMILY_ID)]?.u16
            })
        } catch where error.code == ENOENT {
            return nil
        }
        return id
    }

    /// One command of `family`; `onReply` sees the attributes after the
    /// generic netlink header of each reply message.
    func send(_ operation: String, family: UInt16, command: UInt8, version: UInt8, flags: Int32,
              capacity: Int = 4096,
              build: (NetlinkMessageBuilder) -> Void,
              onReply: ([NetlinkAttribute]) -> Void = { _ in }) throws(NetlinkError) {
        try socket.transact(operation, type: family, flags: flags, capacity: capacity, build: { message in
            message.putHeader(genlmsghdr(cmd: command, version: version, reserved: 0))
            build(message)
        }, onReply: { reply in
            guard reply.pointee.nlmsg_type == family else { return }
            onReply(NetlinkAttribute.parse(message: reply, headerSize: MemoryLayout<genlmsghdr>.size))
        })
    }
}

@available(*, unavailable)
extension GenericNetlink: Sendable {}
