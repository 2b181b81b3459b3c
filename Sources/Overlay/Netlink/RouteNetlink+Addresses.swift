import CMNL
import Topology
#if canImport(Glibc)
import Glibc
#endif

extension RouteNetlink {
    /// Every address of every interface in the namespace (`ip addr`).
    public func addresses() throws(NetlinkError) -> [AssignedAddress] {
        var result: [AssignedAddress] = []
        try socket.transact("list addresses", type: UInt16(RTM_GETADDR), flags: NLM_F_DUMP, build: { message in
            message.putHeader(ifaddrmsg(ifa_family: UInt8(AF_UNSPEC), ifa_prefixlen: 0, ifa_flags: 0,
                                        ifa_scope: 0, ifa_index: 0))
        }, onReply: { reply in
            if reply.pointee.nlmsg_type == UInt16(RTM_NEWADDR), let row = Self.assignedAddress(reply) {
                result.append(row)
            }
        })
        return result
    }

    /// `ip addr add ADDRESS/PREFIX dev INDEX`; EEXIST if it is already there.
    public func addAddress(_ address: InterfaceAddress, interfaceIndex: Int32, name: String) throws(NetlinkError) {
        try change(address, interfaceIndex: interfaceIndex, type: UInt16(RTM_NEWADDR),
                   flags: NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, operation: "add address \(address) to \(name)")
    }

    /// `ip addr del ADDRESS/PREFIX dev INDEX`.
    public func removeAddress(_ address: InterfaceAddress, interfaceIndex: Int32, name: String) throws(NetlinkError) {
        try change(address, interfaceIndex: interfaceIndex, type: UInt16(RTM_DELADDR), flags: NLM_F_ACK,
                   operation: "remove address \(address) from \(name)")
    }

    private func change(_ address: InterfaceAddress, interfaceIndex: Int32, type: UInt16, flags: Int32,
                        operation: String) throws(NetlinkError) {
        let family = address.address.isIPv6 ? AF_INET6 : AF_INET
        // Overlay addresses are unique by topology validation, and duplicate
        // address detection would leave an IPv6 address tentative (unusable)
        // for a second or two after `up`.
        let flags8 = address.address.isIPv6 ? UInt8(IFA_F_NODAD) : 0
        try socket.transact(operation, type: type, flags: flags) { message in
            message.putHeader(ifaddrmsg(ifa_family: UInt8(family), ifa_prefixlen: UInt8(address.prefixLength),
                                        ifa_flags: flags8, ifa_scope: UInt8(RT_SCOPE_UNIVERSE.rawValue),
                                        ifa_index: UInt32(bitPattern: interfaceIndex)))
            // Without a peer address, IFA_LOCAL and IFA_ADDRESS are the same
            // (what `ip addr add` sends); the kernel then adds the prefix route.
            message.put(UInt16(IFA_LOCAL), bytes: address.address.bytes)
            message.put(UInt16(IFA_ADDRESS), bytes: address.address.bytes)
        }
    }

    private static func assignedAddress(_ message: UnsafePointer<nlmsghdr>) -> AssignedAddress? {
        guard Int(message.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + MemoryLayout<ifaddrmsg>.size,
              let header = CMNL_ifaddrmsg(message)?.pointee else { return nil }
        let attributes = NetlinkAttribute.parse(message: message, headerSize: MemoryLayout<ifaddrmsg>.size)
        // On point-to-point links IFA_ADDRESS is the far end and IFA_LOCAL ours.
        guard let raw = attributes[type: UInt16(IFA_LOCAL)] ?? attributes[type: UInt16(IFA_ADDRESS)] else { return nil }
        let ip: IPAddress
        switch (Int32(header.ifa_family), raw.payload.count) {
        case (AF_INET, 4): ip = .v4(raw.bytes)
        case (AF_INET6, 16): ip = .v6(raw.bytes)
        default: return nil
        }
        return AssignedAddress(interfaceIndex: Int32(bitPattern: header.ifa_index),
                               address: InterfaceAddress(address: ip, prefixLength: Int(header.ifa_prefixlen)))
    }
}
