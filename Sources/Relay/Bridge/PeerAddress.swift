#if canImport(Glibc)
import Glibc
#endif

/// A UDP peer (IPv4 or IPv6 address and port) as a small hashable value, so
/// the media thread can look endpoints up by source address without
/// allocating. IPv4 is stored as an IPv4-mapped IPv6 address.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Address bytes 0–7 and 8–15 of the (mapped) IPv6 address, network order.
    var high: UInt64
    var low: UInt64
    public var port: UInt16
    public var isIPv4: Bool

    /// From the kernel's `sockaddr_storage` (AF_INET or AF_INET6).
    init?(_ storage: UnsafePointer<sockaddr_storage>) {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            let sin = UnsafeRawPointer(storage).load(as: sockaddr_in.self)
            high = 0
            low = 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: sin.sin_addr.s_addr))
            port = UInt16(bigEndian: sin.sin_port)
            isIPv4 = true
        case AF_INET6:
            let sin6 = UnsafeRawPointer(storage).load(as: sockaddr_in6.self)
            // Straight from the address bytes: this runs for every datagram.
            (high, low) = withUnsafeBytes(of: sin6.sin6_addr) { bytes in
                (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
                 UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            port = UInt16(bigEndian: sin6.sin6_port)
            isIPv4 = high == 0 && low >> 32 == 0xFFFF
        default:
            return nil
        }
    }

    /// From address bytes (4 or 16) and a port.
    public init?(ip: [UInt8], port: UInt16) {
        switch ip.count {
        case 4:
            high = 0
            low = 0x0000_FFFF_0000_0000 | ip.reduce(0) { $0 << 8 | UInt64($1) }
            isIPv4 = true
        case 16:
            high = ip[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = ip[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
            isIPv4 = high == 0 && low >> 32 == 0xFFFF
        default:
            return nil
        }
        self.port = port
    }

    /// Parses `1.2.3.4:5` or `[::1]:5`.
    public init?(_ text: String) {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            return nil
        }
        guard let port = UInt16(portText) else { return nil }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, String(host), &v4) == 1 {
            self.init(ip: withUnsafeBytes(of: v4) { Array($0) }, port: port)
        } else if inet_pton(AF_INET6, String(host), &v6) == 1 {
            self.init(ip: withUnsafeBytes(of: v6) { Array($0) }, port: port)
        } else {
            return nil
        }
    }

    /// 4 bytes for IPv4, else 16.
    public var ipBytes: [UInt8] {
        let all = (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        return isIPv4 ? Array(all[12..<16]) : all
    }

    /// Writes this address as a sockaddr for `family` (the socket's family;
    /// an IPv6 socket reaches IPv4 peers through mapped addresses).
    func write(to storage: UnsafeMutablePointer<sockaddr_storage>, family: Int32) -> socklen_t {
        if family == AF_INET {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = UInt32(truncatingIfNeeded: low).bigEndian
            UnsafeMutableRawPointer(storage).storeBytes(of: sin, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        var sin6 = sockaddr_in6()
        sin6.sin6_family = sa_family_t(AF_INET6)
        sin6.sin6_port = port.bigEndian
        withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
            for i in 0..<8 {
                raw[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * i))
                raw[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i))
            }
        }
        UnsafeMutableRawPointer(storage).storeBytes(of: sin6, as: sockaddr_in6.self)
        return socklen_t(MemoryLayout<sockaddr_in6>.size)
    }

    public var description: String {
        let bytes = ipBytes
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return isIPv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }
}
