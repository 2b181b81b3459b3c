import Topology

/// The diff at the heart of `meridian overlay up`: the fewest changes that
/// turn the observed interface into the desired one.
///
/// Pure: no I/O, so every case is a table test. Peers are matched by public
/// key; a peer whose key is unchanged is updated in place (its session and
/// counters survive), one whose configuration is equal is not touched at all.
/// The topology is the authority: a peer that roamed to another endpoint is
/// pointed back at its topology endpoint, and addresses Meridian did not put
/// there are removed (except IPv6 link-local ones, which the kernel manages).
public enum OverlayPlan {
    /// Changes in the order they are applied: interface, device keys and
    /// port, peers (removals first), addresses (removals first), link state.
    public static func changes(from observed: ObservedOverlay, to desired: OverlayDesiredState) -> [OverlayChange] {
        var changes: [OverlayChange] = []
        if !observed.linkExists { changes.append(.createInterface(desired.interfaceName)) }

        let device = observed.device
        if device.privateKey != desired.privateKey { changes.append(.setPrivateKey(publicKey: desired.publicKey)) }
        if device.listenPort != desired.listenPort {
            changes.append(.setListenPort(from: device.listenPort, to: desired.listenPort))
        }

        let wanted = Set(desired.peers.map(\.configuration.publicKey))
        for peer in device.peers where !wanted.contains(peer.configuration.publicKey) {
            changes.append(.removePeer(bridgeID: nil, peer.configuration.publicKey))
        }
        var current: [PublicKey: WireGuardPeerConfiguration] = [:]
        for peer in device.peers { current[peer.configuration.publicKey] = peer.configuration }
        for peer in desired.peers {
            switch current[peer.configuration.publicKey] {
            case nil:
                changes.append(.addPeer(bridgeID: peer.bridgeID, peer.configuration))
            case let existing? where existing != peer.configuration:
                changes.append(.updatePeer(bridgeID: peer.bridgeID, from: existing, to: peer.configuration))
            default:
                break
            }
        }

        for address in observed.addresses where address != desired.address && !address.isIPv6LinkLocal {
            changes.append(.removeAddress(address))
        }
        if !observed.addresses.contains(desired.address) { changes.append(.addAddress(desired.address)) }
        if !observed.isUp { changes.append(.setLinkUp) }
        return changes
    }

    /// The device-level changes of a plan as one request, so the device goes
    /// from old to new configuration in one step.
    public static func deviceUpdate(for changes: [OverlayChange], desired: OverlayDesiredState) -> WireGuardDeviceUpdate {
        var update = WireGuardDeviceUpdate()
        for change in changes {
            switch change {
            case .setPrivateKey: update.privateKey = desired.privateKey
            case .setListenPort(_, let port): update.listenPort = port
            case .removePeer(_, let key): update.peers.append(.remove(key))
            case .updatePeer(_, _, let peer), .addPeer(_, let peer): update.peers.append(.upsert(peer))
            case .createInterface, .removeAddress, .addAddress, .setLinkUp: break
            }
        }
        return update
    }
}
