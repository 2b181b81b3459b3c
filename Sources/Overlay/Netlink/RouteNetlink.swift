import CMNL
import Topology
#if canImport(Glibc)
import Glibc
#endif

/// A network interface as rtnetlink reports it.
public struct LinkInfo: Equatable, Sendable {
    public var index: Int32
    public var name: String
    /// IFF_UP: administratively up (`ip link set NAME up`).
    public var isUp: Bool
    /// IFLA_INFO_KIND: "wireguard" for the kernel module, "tun" for
    /// wireguard-go, nil for devices without link info.
    public var kind: String?
}

/// rtnetlink through libmnl: the link and address operations `meridian
/// overlay` needs, and nothing more (`ip link` / `ip addr` in a few calls).
///
/// Bound to the network namespace of the thread that created it.
/// Concurrency: not thread-safe; use from one thread.
public final class RouteNetlink {
    let socket: NetlinkSocket

    public init() throws(NetlinkError) {
        socket = try NetlinkSocket(bus: NETLINK_ROUTE)
    }

    /// The link called `name`, or nil if this namespace has none.
    public func link(named name: String) throws(NetlinkError) -> LinkInfo? {
        var found: LinkInfo?
        do {
            try socket.transact("look up link \(name)", type: UInt16(RTM_GETLINK), flags: NLM_F_ACK,
                                build: { message in
                message.putHeader(ifinfomsg(ifi_family: UInt8(AF_UNSPEC), __ifi_pad: 0, ifi_type: 0,
                                            ifi_index: 0, ifi_flags: 0, ifi_change: 0))
                message.put(UInt16(IFLA_IFNAME), string: name)
            }, onReply: { reply in
                if reply.pointee.nlmsg_type == UInt16(RTM_NEWLINK) { found = Self.linkInfo(reply) }
            })
        } catch where error.code == ENODEV {
            return nil
        }
        return found
    }

    /// Every link of the namespace (to name the owner of a conflicting address).
    public func links() throws(NetlinkError) -> [LinkInfo] {
        var result: [LinkInfo] = []
        try socket.transact("list links", type: UInt16(RTM_GETLINK), flags: NLM_F_DUMP, build: { message in
            message.putHeader(ifinfomsg(ifi_family: UInt8(AF_UNSPEC), __ifi_pad: 0, ifi_type: 0,
                                        ifi_index: 0, ifi_flags: 0, ifi_change: 0))
        }, onReply: { reply in
            if reply.pointee.nlmsg_type == UInt16(RTM_NEWLINK), let link = Self.linkInfo(reply) {
                result.append(link)
            }
        })
        return result
    }

    /// `ip link add NAME type KIND`. Fails with EEXIST if the name is taken,
    /// EOPNOTSUPP if the kernel has no driver for `kind`.
    public func createLink(name: String, kind: String) throws(NetlinkError) {
        try socket.transact("create link \(name) (kind \(kind))", type: UInt16(RTM_NEWLINK),
                            flags: NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL) { message in
            message.putHeader(ifinfomsg(ifi_family: UInt8(AF_UNSPEC), __ifi_pad: 0, ifi_type: 0,
                                        ifi_index: 0, ifi_flags: 0, ifi_change: 0))
            message.put(UInt16(IFLA_IFNAME), string: name)
            message.nest(UInt16(IFLA_LINKINFO)) {
                message.put(UInt16(IFLA_INFO_KIND), string: kind)
            }
        }
    }

    /// `ip link del`.
    public func deleteLink(index: Int32, name: String) throws(NetlinkError) {
        try socket.transact("delete link \(name)", type: UInt16(RTM_DELLINK), flags: NLM_F_ACK) { message in
            message.putHeader(ifinfomsg(ifi_family: UInt8(AF_UNSPEC), __ifi_pad: 0, ifi_type: 0,
                                        ifi_index: index, ifi_flags: 0, ifi_change: 0))
        }
    }

    /// `ip link set NAME up|down`: changes IFF_UP only (`ifi_change` masks it).
    public func setLink(index: Int32, name: String, up: Bool) throws(NetlinkError) {
        let flag = UInt32(IFF_UP)
        try socket.transact("set link \(name) \(up ? "up" : "down")", type: UInt16(RTM_NEWLINK),
                            flags: NLM_F_ACK) { message in
            message.putHeader(ifinfomsg(ifi_family: UInt8(AF_UNSPEC), __ifi_pad: 0, ifi_type: 0,
                                        ifi_index: index, ifi_flags: up ? flag : 0, ifi_change: flag))
        }
    }

    private static func linkInfo(_ message: UnsafePointer<nlmsghdr>) -> LinkInfo? {
        guard Int(message.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + MemoryLayout<ifinfomsg>.size,
              let header = CMNL_ifinfomsg(message)?.pointee else { return nil }
        let attributes = NetlinkAttribute.parse(message: message, headerSize: MemoryLayout<ifinfomsg>.size)
        let kind = attributes[type: UInt16(IFLA_LINKINFO)]?.nested[type: UInt16(IFLA_INFO_KIND)]?.string
        return LinkInfo(index: header.ifi_index,
                        name: attributes[type: UInt16(IFLA_IFNAME)]?.string ?? "",
                        isUp: header.ifi_flags & UInt32(IFF_UP) != 0,
                        kind: kind)
    }
}

@available(*, unavailable)
extension RouteNetlink: Sendable {}
