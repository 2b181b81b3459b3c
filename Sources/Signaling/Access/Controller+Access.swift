import Topology

/// The access settings the client routes read per request from the
/// controller's current topology, so a live topology edit of
/// `signaling.trusted-proxies` applies to the next join without a restart.
/// (The token key is different: it is read once at startup, see
/// `RoomTokenKey`.)
extension Controller {
    func trustedProxies() -> [CIDR] {
        topology.signaling.trustedProxies
    }
}
