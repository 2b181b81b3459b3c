import Overlay
import Topology

extension CascadePeer {
    /// The bridges of `topology` other than `localId` that this bridge can
    /// link to: their overlay address and cascade key, from the topology or
    /// from `keys` (`meridian up` makes its bridges' keys in memory).
    /// A bridge with neither is left out: without its key nothing can be
    /// sealed to it, and the controller never plans a link nobody can seal.
    public static func peers(in topology: Topology, excluding localId: String,
                             keys: [String: PublicKey] = [:]) -> [CascadePeer] {
        topology.bridges.compactMap { bridge in
            guard bridge.id != localId, let key = keys[bridge.id] ?? bridge.cascadeKey,
                  let overlay = PeerAddress(bridge.overlay.description) else { return nil }
            return CascadePeer(id: bridge.id, overlay: overlay, publicKey: key)
        }
    }
}
