/// Which implementation serves a WireGuard interface; `up` logs it and
/// `status` shows it.
public enum WireGuardPath: Equatable, Sendable, CustomStringConvertible {
    /// The kernel module, configured through generic netlink.
    case kernel
    /// wireguard-go, configured through its UAPI socket. `pid` is the daemon
    /// serving the socket (nil if it could not be determined).
    case userspace(pid: Int32?, socket: String)

    public var description: String {
        switch self {
        case .kernel:
            return "kernel WireGuard (generic netlink)"
        case .userspace(let pid, let socket):
            return "userspace wireguard-go\(pid.map { " pid \($0)" } ?? "") (UAPI \(socket))"
        }
    }
}

/// Reads and changes one WireGuard device's configuration: the part of
/// `up`/`status` that differs between the kernel and wireguard-go. Links and
/// addresses are rtnetlink on both paths and live in `OverlayManager`.
///
/// Concurrency: used from one thread by the command that created it.
protocol WireGuardBackend: AnyObject {
    var path: WireGuardPath { get }
    func readDevice() throws(OverlayError) -> WireGuardDeviceState
    func apply(_ update: WireGuardDeviceUpdate) throws(OverlayError)
}
