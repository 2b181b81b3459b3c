import CMNL

/// Appends a family header and attributes to one netlink request.
///
/// Every append goes through libmnl's `_check` variants against the buffer's
/// capacity; the first one that does not fit sets `overflowed` and the socket
/// refuses to send the message, so a large peer list can never be sent cut off.
final class NetlinkMessageBuilder {
    let header: UnsafeMutablePointer<nlmsghdr>
    private let capacity: Int
    private(set) var overflowed = false

    init(header: UnsafeMutablePointer<nlmsghdr>, capacity: Int) {
        self.header = header
        self.capacity = capacity
    }

    /// The fixed family header (`ifinfomsg`, `ifaddrmsg`, `genlmsghdr`) right
    /// after the netlink header.
    func putHeader<Header>(_ value: Header) {
        let size = MemoryLayout<Header>.size
        guard Int(header.pointee.nlmsg_len) + size <= capacity else { overflowed = true; return }
        let extra = mnl_nlmsg_put_extra_header(header, size)!
        withUnsafeBytes(of: value) { extra.copyMemory(from: $0.baseAddress!, byteCount: size) }
    }

    func put(_ type: UInt16, bytes: [UInt8]) {
        let ok = bytes.withUnsafeBytes { mnl_attr_put_check(header, capacity, type, $0.count, $0.baseAddress) }
        if !ok { overflowed = true }
    }

    func put(_ type: UInt16, string: String) {
        if !mnl_attr_put_strz_check(header, capacity, type, string) { overflowed = true }
    }

    func put(_ type: UInt16, u8 value: UInt8) {
        if !mnl_attr_put_u8_check(header, capacity, type, value) { overflowed = true }
    }

    func put(_ type: UInt16, u16 value: UInt16) {
        if !mnl_attr_put_u16_check(header, capacity, type, value) { overflowed = true }
    }

    func put(_ type: UInt16, u32 value: UInt32) {
        if !mnl_attr_put_u32_check(header, capacity, type, value) { overflowed = true }
    }

    /// A nested attribute around whatever `body` appends.
    func nest(_ type: UInt16, _ body: () -> Void) {
        guard let start = mnl_attr_nest_start_check(header, capacity, type) else { overflowed = true; return }
        body()
        if overflowed {
            mnl_attr_nest_cancel(header, start)
        } else {
            mnl_attr_nest_end(header, start)
        }
    }
}

@available(*, unavailable)
extension NetlinkMessageBuilder: Sendable {}
