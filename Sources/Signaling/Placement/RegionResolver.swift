import Topology

/// Decides a participant's region (DESIGN §4): the `region` of the join
/// request when it names a known region; else the region whose `clients`
/// prefixes contain the client's address (longest prefix wins); else
/// `signaling.default-region`.
public struct RegionResolver: Sendable {
    public enum Source: String, Sendable {
        case hint
        case address
        case `default`
    }

    let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
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
