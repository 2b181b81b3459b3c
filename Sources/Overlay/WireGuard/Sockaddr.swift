import Topology
#if canImport(Glibc)
import Glibc
#endif

/// `struct sockaddr_in` / `sockaddr_in6` as raw bytes, the form of
/// WGPEER_A_ENDPOINT. Family in host order, port in network order.
enum Sockaddr {
    static func encode(_ address: SocketAddress) -> [UInt8] {
        let family = UInt16(address.host.isIPv6 ? AF_INET6 : AF_INET)
        var bytes = withUnsafeBytes(of: family) { Array($0) }
        bytes += [UInt8(address.port >> 8), UInt8(address.port & 0xff)]
        switch address.host {
        case .v4(let ip):
            bytes += ip + [UInt8](repeating: 0, count: 8)              // sin_addr, sin_zero
        case .v6(let ip):
            bytes += [0, 0, 0, 0] + ip + [0, 0, 0, 0]                   // flowinfo, addr, scope id
        }
        return bytes
    }

    /// nil for other families or sizes (the kernel reports unset as absent).
    static func decode(_ bytes: [UInt8]) -> SocketAddress? {
        guard bytes.count >= 4 else { return nil }
        let family = bytes.withUnsafeBytes { Int32($0.loadUnaligned(as: UInt16.self)) }
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        switch family {
        case AF_INET where bytes.count >= 8:
            return SocketAddress(host: .v4(Array(bytes[4..<8])), port: port)
        case AF_INET6 where bytes.count >= 24:
            return SocketAddress(host: .v6(Array(bytes[8..<24])), port: port)
        default:
            return nil
        }
    }
}
