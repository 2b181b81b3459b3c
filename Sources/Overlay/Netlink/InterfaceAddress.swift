import Topology

/// An address assigned to an interface together with its prefix length, as
/// `ip addr` shows it: `10.77.1.1/16`.
///
/// The prefix length matters: it is what makes the kernel install the route
/// to the whole overlay network through the interface (DESIGN §5), so an
/// overlay address `10.77.1.1` in network `10.77.0.0/16` is assigned as
/// `10.77.1.1/16`, not `/32`.
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var prefixLength: Int

    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// fe80::/10: created by the kernel, never managed by Meridian.
    public var isIPv6LinkLocal: Bool {
        guard case .v6(let bytes) = address else { return false }
        return bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

/// One row of the namespace's address table (`RTM_GETADDR` dump).
public struct AssignedAddress: Hashable, Sendable {
    public var interfaceIndex: Int32
    public var address: InterfaceAddress

    public init(interfaceIndex: Int32, address: InterfaceAddress) {
        self.interfaceIndex = interfaceIndex
        self.address = address
    }
}
