#if canImport(Glibc)
import Glibc
#endif

/// A netlink request the kernel refused, or a socket call that failed.
///
/// `code` is the positive errno the kernel put in its `NLMSG_ERROR` reply (or
/// the one the socket call set). Callers that can say something more useful to
/// an operator (EPERM → "run as root", EOPNOTSUPP → "no WireGuard module")
/// switch on `code`; everything else prints `description`.
public struct NetlinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being attempted, e.g. "create link wg-meridian (kind wireguard)".
    public var operation: String
    public var code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The process lacks CAP_NET_ADMIN in this network namespace.
    public var isPermissionDenied: Bool { code == EPERM || code == EACCES }

    public var description: String {
        "\(operation): \(String(cString: strerror(code))) (errno \(code))"
    }
}
