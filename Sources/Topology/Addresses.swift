#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address in network byte order.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no brackets, no zone).
    public init?(_ text: String) {
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            self = .v6(withUnsafeBytes(of: &storage) { Array($0) })
        } else {
            // inet_pton accepts only the strict a.b.c.d form, which is what we want.
            var storage = in_addr()
            guard inet_pton(AF_INET, text, &storage) == 1 else { return nil }
            self = .v4(withUnsafeBytes(of: &storage) { Array($0) })
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let b), .v6(let b): return b
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let b): return b[0] == 127
        case .v6(let b): return b == [UInt8](repeating: 0, count: 15) + [1]
        }
    }

    /// 0.0.0.0 or ::, meaning "every local address" for a listener.
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv6 ? AF_INET6 : AF_INET
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// `host:port`, with IPv6 hosts in brackets: `[2001:db8::1]:10000`.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: IPAddress
    public var port: UInt16

    public init(host: IPAddress, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Why a text is not a socket address, in words an operator can act on.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingPort
        case badHost(String)
        case badPort(String)
        case ipv6WithoutBrackets

        public var description: String {
            switch self {
            case .missingPort: return "missing ':PORT'"
            case .badHost(let host): return "'\(host)' is not an IPv4 or IPv6 address"
            case .badPort(let port): return "port '\(port)' is not a number from 1 to 65535"
            case .ipv6WithoutBrackets: return "an IPv6 address must be written in brackets, as [2001:db8::1]:10000"
            }
        }
    }

    /// `allowingPortZero` is for listeners, where port 0 asks the kernel for a free port.
    public static func parse(_ text: String, allowingPortZero: Bool = false) -> Result<SocketAddress, ParseError> {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.badHost(text)) }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(.missingPort) }
            portPart = rest.dropFirst()
            guard hostPart.contains(":") else { return .failure(.badHost(String(hostPart))) }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 { return .failure(.ipv6WithoutBrackets) }
            guard let colon = text.lastIndex(of: ":") else { return .failure(.missingPort) }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let host = IPAddress(String(hostPart)) else { return .failure(.badHost(String(hostPart))) }
        guard !portPart.isEmpty, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portPart), ((allowingPortZero ? 0 : 1)...65535).contains(port) else {
            return .failure(.badPort(String(portPart)))
        }
        return .success(SocketAddress(host: host, port: UInt16(port)))
    }

    public var description: String {
        host.isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether two TCP listeners on one machine would fight over a port: the
    /// same address, or the same port where one listens on a wildcard
    /// (0.0.0.0 covers IPv4; :: covers both families, Linux being dual-stack
    /// by default).
    func sharesPort(with other: SocketAddress) -> Bool {
        guard port == other.port else { return false }
        func covers(_ a: IPAddress, _ b: IPAddress) -> Bool { a.isUnspecified && (a.isIPv6 || !b.isIPv6) }
        return host == other.host || covers(host, other.host) || covers(other.host, host)
    }
}

/// An address prefix such as `10.77.0.0/16` or `2001:db8::/32`.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingLength
        case badAddress(String)
        case badLength(String, max: Int)
        case hostBitsSet(suggestion: String)

        public var description: String {
            switch self {
            case .missingLength: return "missing '/LENGTH'"
            case .badAddress(let a): return "'\(a)' is not an IPv4 or IPv6 address"
            case .badLength(let l, let max): return "prefix length '\(l)' is not a number from 0 to \(max)"
            case .hostBitsSet(let s): return "host bits are set; the network is \(s)"
            }
        }
    }

    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    public static func parse(_ text: String) -> Result<CIDR, ParseError> {
        guard let slash = text.firstIndex(of: "/") else { return .failure(.missingLength) }
        let addressText = String(text[..<slash])
        let lengthText = String(text[text.index(after: slash)...])
        guard let address = IPAddress(addressText) else { return .failure(.badAddress(addressText)) }
        let max = address.bytes.count * 8
        guard !lengthText.isEmpty, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(lengthText), (0...max).contains(length) else {
            return .failure(.badLength(lengthText, max: max))
        }
        let cidr = CIDR(address: address, prefixLength: length)
        let network = cidr.masked(address)
        guard network == address else {
            return .failure(.hostBitsSet(suggestion: "\(network)/\(length)"))
        }
        return .success(cidr)
    }

    /// `address` with the bits beyond the prefix cleared.
    func masked(_ address: IPAddress) -> IPAddress {
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsBefore = index * 8
            if bitsBefore >= prefixLength {
                bytes[index] = 0
            } else if bitsBefore + 8 > prefixLength {
                let keep = prefixLength - bitsBefore
                bytes[index] &= UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            }
        }
        return address.isIPv6 ? .v6(bytes) : .v4(bytes)
    }

    public func contains(_ other: IPAddress) -> Bool {
        other.isIPv6 == address.isIPv6 && masked(other) == address
    }

    public func overlaps(_ other: CIDR) -> Bool {
        guard other.address.isIPv6 == address.isIPv6 else { return false }
        return contains(other.address) || other.contains(address)
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
