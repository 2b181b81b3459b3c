import CMNL

/// One attribute of a received netlink message, viewed in place.
///
/// The payload points into the receive buffer and is valid only inside the
/// reply callback that produced it; read what you need into Swift values
/// there. Accessors return `nil` for a payload of the wrong size instead of
/// reading past it.
struct NetlinkAttribute {
    /// The attribute type with the NESTED / NET_BYTEORDER flag bits removed.
    let type: UInt16
    let payload: UnsafeRawBufferPointer

    var u8: UInt8? { payload.count >= 1 ? payload[0] : nil }
    var u16: UInt16? { load(UInt16.self) }
    var u32: UInt32? { load(UInt32.self) }
    var u64: UInt64? { load(UInt64.self) }
    var bytes: [UInt8] { Array(payload) }

    /// A NUL-terminated string attribute (e.g. IFLA_IFNAME).
    var string: String {
        String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The attributes inside a nested attribute.
    var nested: [NetlinkAttribute] {
        guard let base = payload.baseAddress else { return [] }
        return NetlinkAttribute.parse(from: base, length: payload.count)
    }

    private func load<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard payload.count >= MemoryLayout<T>.size else { return nil }
        return payload.loadUnaligned(as: T.self)
    }

    /// Walks the attributes in `length` bytes from `start` with libmnl's
    /// bounds checks (`mnl_attr_ok`), stopping at the first malformed one.
    static func parse(from start: UnsafeRawPointer, length: Int) -> [NetlinkAttribute] {
        var result: [NetlinkAttribute] = []
        let end = start + length
        var cursor = start.assumingMemoryBound(to: nlattr.self)
        while mnl_attr_ok(cursor, Int32(UnsafeRawPointer(end) - UnsafeRawPointer(cursor))) {
            let count = Int(mnl_attr_get_payload_len(cursor))
            let payload = UnsafeRawBufferPointer(start: mnl_attr_get_payload(cursor), count: count)
            result.append(NetlinkAttribute(type: mnl_attr_get_type(cursor), payload: payload))
            cursor = UnsafePointer(mnl_attr_next(cursor))
        }
        return result
    }

    /// The attributes of a message after its family header of `headerSize` bytes.
    static func parse(message: UnsafePointer<nlmsghdr>, headerSize: Int) -> [NetlinkAttribute] {
        guard Int(message.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + headerSize,
              let start = mnl_nlmsg_get_payload_offset(message, headerSize),
              let tail = mnl_nlmsg_get_payload_tail(message) else { return [] }
        return parse(from: start, length: UnsafeRawPointer(tail) - UnsafeRawPointer(start))
    }
}

extension Array where Element == NetlinkAttribute {
    /// The first attribute of `type`, as the kernel sends each at most once.
    subscript(type type: UInt16) -> NetlinkAttribute? {
        first { $0.type == type }
    }
}
