import Topology

/// What a WireGuard interface looks like now, read back before planning.
public struct ObservedOverlay: Equatable, Sendable {
    public var linkExists: Bool
    public var isUp: Bool
    /// Addresses on this interface only.
    public var addresses: [InterfaceAddress]
    public var device: WireGuardDeviceState

    public init(linkExists: Bool, isUp: Bool, addresses: [InterfaceAddress], device: WireGuardDeviceState) {
        self.linkExists = linkExists
        self.isUp = isUp
        self.addresses = addresses
        self.device = device
    }

    /// No interface of that name yet.
    public static let absent = ObservedOverlay(linkExists: false, isUp: false, addresses: [], device: .init())
}

/// One step from the observed interface to the desired one. `up` prints each
/// as it applies it, so the description is the log line.
public enum OverlayChange: Equatable, Sendable, CustomStringConvertible {
    case createInterface(String)
    case setPrivateKey(publicKey: PublicKey)
    case setListenPort(from: UInt16, to: UInt16)
    /// `bridgeID` is nil for a peer the topology no longer names.
    case removePeer(bridgeID: String?, PublicKey)
    case updatePeer(bridgeID: String, from: WireGuardPeerConfiguration, to: WireGuardPeerConfiguration)
    case addPeer(bridgeID: String, WireGuardPeerConfiguration)
    case removeAddress(InterfaceAddress)
    case addAddress(InterfaceAddress)
    case setLinkUp

    public var description: String {
        switch self {
        case .createInterface(let name):
            return "create interface \(name)"
        case .setPrivateKey(let publicKey):
            return "set private key (public key \(publicKey))"
        case .setListenPort(let from, let to):
            return from == 0 ? "set listen port \(to)" : "set listen port \(to) (was \(from))"
        case .removePeer(let bridgeID, let key):
            return "remove peer \(bridgeID ?? "\(key) (no longer in the topology)")"
        case .updatePeer(let bridgeID, let from, let to):
            return "update peer \(bridgeID): " + Self.differences(from, to).joined(separator: ", ")
        case .addPeer(let bridgeID, let peer):
            return "add peer \(bridgeID): public key \(peer.publicKey), endpoint \(peer.endpoint.map { "\($0)" } ?? "none"), "
                + "allowed-ips \(peer.allowedIPs.map(\.description).joined(separator: ",")), keepalive \(peer.persistentKeepalive) s"
        case .removeAddress(let address):
            return "remove address \(address)"
        case .addAddress(let address):
            return "add address \(address)"
        case .setLinkUp:
            return "set link up"
        }
    }

    private static func differences(_ old: WireGuardPeerConfiguration, _ new: WireGuardPeerConfiguration) -> [String] {
        var parts: [String] = []
        if old.endpoint != new.endpoint {
            parts.append("endpoint \(old.endpoint.map { "\($0)" } ?? "none") → \(new.endpoint.map { "\($0)" } ?? "none")")
        }
        if old.allowedIPs != new.allowedIPs {
            let show = { (list: [CIDR]) in list.isEmpty ? "none" : list.map(\.description).joined(separator: ",") }
            parts.append("allowed-ips \(show(old.allowedIPs)) → \(show(new.allowedIPs))")
        }
        if old.persistentKeepalive != new.persistentKeepalive {
            parts.append("keepalive \(old.persistentKeepalive) s → \(new.persistentKeepalive) s")
        }
        return parts
    }
}
