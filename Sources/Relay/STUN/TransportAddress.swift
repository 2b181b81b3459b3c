/// An IP address and UDP port, as STUN carries it in XOR-MAPPED-ADDRESS and
/// as the ICE-lite responder receives it from the socket layer.
///
/// Kept free of `sockaddr` so that STUN code and its tests need no socket
/// headers; the socket layer converts (`PeerAddress(ip:port:)` takes the
/// same bytes).
public struct TransportAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let ip: [UInt8]
    public let port: UInt16

    /// Nil unless `ip` has 4 or 16 bytes.
    public init?(ip: [UInt8], port: UInt16) {
        guard ip.count == 4 || ip.count == 16 else { return nil }
        self.ip = ip
        self.port = port
    }

    public var isIPv4: Bool { ip.count == 4 }

    /// `192.0.2.1:32853` or `[2001:db8::1]:32853` (hex groups, no `::`
    /// compression, which keeps this dependency-free and unambiguous in logs).
    public var description: String {
        if isIPv4 {
            return ip.map(String.init).joined(separator: ".") + ":\(port)"
        }
        let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(ip[$0]) << 8 | UInt16(ip[$0 + 1]), radix: 16) }
        return "[" + groups.joined(separator: ":") + "]:\(port)"
    }
}
