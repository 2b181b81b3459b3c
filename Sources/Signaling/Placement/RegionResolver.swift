import Topology

/// Decides a participant's region (DESIGN §4): the `region` of the join
/// request when it names a known region; else the region whose `clients`
/// prefixes contain the client's address (longest prefix wins); else
/// `signaling.default-region`. The client's address is worked out here too,
/// from the TCP peer and `X-Forwarded-For` under the same topology's
/// `signaling.trusted-proxies` (`ForwardedClient`), so one join never mixes
/// two topology versions.
public struct RegionResolver: Sendable {
    public enum Source: String, Sendable, CaseIterable {
        case hint
        case address
        case `default`
    }

    let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
    }

    /// The region of a join that came from `peer` (the TCP peer's address)
    /// with these `X-Forwarded-For` values.
    public func resolve(hint: String?, peer: IPAddress?, forwardedFor: [String]) -> (region: String, source: Source) {
        let client = ForwardedClient.address(peer: peer, forwardedFor: forwardedFor,
                                             trusted: topology.signaling.trustedProxies)
        return resolve(hint: hint, clientAddress: client)
    }

    public func resolve(hint: String?, clientAddress: IPAddress?) -> (region: String, source: Source) {
        if let hint, topology.region(named: hint) != nil { return (hint, .hint) }
        if let clientAddress {
            var best: (region: String, length: Int)?
            for region in topology.regions {
                for prefix in region.clients where prefix.contains(clientAddress) {
                    if prefix.prefixLength > (best?.length ?? -1) { best = (region.name, prefix.prefixLength) }
                }
            }
            if let best { return (best.region, .address) }
        }
        return (topology.signaling.defaultRegion, .default)
    }
}
