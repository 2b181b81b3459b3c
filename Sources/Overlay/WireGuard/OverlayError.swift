import Topology
#if canImport(Glibc)
import Glibc
#endif

/// Why `meridian overlay up|status|down` could not do its job, in words an
/// operator can act on (each message says what to do next).
public enum OverlayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kernel refused a netlink request or the UAPI socket with EPERM/EACCES.
    case notRoot(operation: String)
    /// The kernel has no WireGuard module and `wireguard-go` is not on PATH.
    case wireGuardGoMissing(path: String)
    /// `wireguard-go NAME` exited with a failure status.
    case wireGuardGoFailed(interface: String, status: Int32, output: String)
    /// wireguard-go cannot create a TUN device without it.
    case tunDeviceMissing(String)
    /// The overlay address is already assigned to another interface here.
    case addressInUse(InterfaceAddress, interface: String)
    case bridgeNotInTopology(id: String, known: [String])
    case notWireGuardMode(OverlayMode)
    case bridgeWithoutWireGuard(id: String)
    case keyFile(String)
    case keyFileForAnotherBridge(path: String, fileID: String, id: String)
    case keyMismatch(path: String, id: String, fileKey: PublicKey, topologyKey: PublicKey)
    case invalidInterfaceName(String, reason: String)
    /// An interface of that name exists but is not a WireGuard device.
    case interfaceNotWireGuard(name: String, kind: String?)
    /// wireguard-go keeps UAPI sockets for every namespace in one directory.
    case interfaceNameTakenElsewhere(name: String, socket: String)
    case listenPortInUse(UInt16)
    case netlink(NetlinkError)
    /// The UAPI socket could not be reached or spoke something unexpected.
    case uapi(interface: String, String)
    /// wireguard-go answered a request with `errno=N`.
    case uapiRefused(interface: String, errno: Int32)
    /// The interface was deleted but its wireguard-go did not go away.
    case wireGuardGoStillRunning(pid: Int32)

    public var description: String {
        switch self {
        case .notRoot(let operation):
            return "\(operation): permission denied; run as root (CAP_NET_ADMIN is needed to manage interfaces)"
        case .wireGuardGoMissing(let path):
            return "this kernel has no WireGuard module and wireguard-go is not on PATH (\(path)); "
                + "install it (Debian: apt-get install wireguard-go) or load the module (modprobe wireguard)"
        case .wireGuardGoFailed(let interface, let status, let output):
            let detail = output.isEmpty ? "" : ": \(output)"
            return "wireguard-go \(interface) exited with status \(status)\(detail)"
        case .tunDeviceMissing(let path):
            return "\(path) does not exist; wireguard-go needs the TUN device (modprobe tun, or give the container /dev/net/tun)"
        case .addressInUse(let address, let interface):
            return "overlay address \(address.address) is already assigned to interface \(interface); "
                + "remove it there (ip addr del \(address.address)/… dev \(interface)) or give this bridge another overlay address"
        case .bridgeNotInTopology(let id, let known):
            let list = known.isEmpty ? "it has no bridges" : "its bridges are: \(known.joined(separator: ", "))"
            return "bridge '\(id)' is not in the topology (\(list)); check --id and --topology"
        case .notWireGuardMode(let mode):
            return "the topology's overlay mode is '\(mode.rawValue)'; set 'overlay: { mode: wireguard, network: …, wireguard-port: … }' to use a WireGuard overlay"
        case .bridgeWithoutWireGuard(let id):
            return "bridge '\(id)' has no wireguard block in the topology; add 'wireguard: { endpoint: HOST:PORT, public-key: \"…\" }'"
        case .keyFile(let reason):
            return "\(reason); pass the bridge's key file with --key (written by meridian keygen --id ID)"
        case .keyFileForAnotherBridge(let path, let fileID, let id):
            return "\(path) holds the keys of bridge '\(fileID)', not '\(id)'; pass the right file with --key"
        case .keyMismatch(let path, let id, let fileKey, let topologyKey):
            return "the WireGuard private key in \(path) has public key \(fileKey), but the topology gives bridge '\(id)' "
                + "public-key \(topologyKey); paste the public key printed by meridian keygen, or pass the right --key"
        case .invalidInterfaceName(let name, let reason):
            return "'\(name)' is not a usable interface name: \(reason)"
        case .interfaceNotWireGuard(let name, let kind):
            return "interface \(name) exists but is not a WireGuard interface (kind \(kind ?? "unknown")); "
                + "choose another --interface or remove it (ip link del \(name))"
        case .interfaceNameTakenElsewhere(let name, let socket):
            return "a wireguard-go for \(name) is running in another network namespace (\(socket) is live); "
                + "wireguard-go keeps every namespace's sockets in one directory, so give this bridge another --interface"
        case .listenPortInUse(let port):
            return "UDP port \(port) is already in use; stop what holds it or change this bridge's wireguard endpoint port"
        case .netlink(let error):
            return error.description
        case .uapi(let interface, let reason):
            return "wireguard-go UAPI for \(interface): \(reason)"
        case .uapiRefused(let interface, let code):
            return "wireguard-go \(interface) refused the configuration: \(String(cString: strerror(code))) (errno \(code))"
        case .wireGuardGoStillRunning(let pid):
            return "the interface is gone but wireguard-go (pid \(pid)) is still running; stop it with kill \(pid)"
        }
    }

    /// Netlink failures with the permission case turned into `.notRoot`.
    static func from(_ error: NetlinkError) -> OverlayError {
        error.isPermissionDenied ? .notRoot(operation: error.operation) : .netlink(error)
    }
}
