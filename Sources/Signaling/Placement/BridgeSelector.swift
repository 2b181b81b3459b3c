import Topology

/// Picks the bridge for a new participant, in this order:
/// 1. the bridge the room already uses (one bridge per room for now), if it
///    can take the participant;
/// 2. a bridge in the participant's region, the least loaded first;
/// 3. a bridge of the nearest region by round-trip latency.
/// Bridges that are down, draining or full never qualify (`candidates` only
/// holds selectable ones).
public struct BridgeSelector: Sendable {
    let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
    }

    public struct Candidate: Sendable {
        public var bridge: Bridge
        public var endpoints: Int
        public var stress: Double

        public init(bridge: Bridge, endpoints: Int, stress: Double) {
            self.bridge = bridge
            self.endpoints = endpoints
            self.stress = stress
        }

        var hasRoom: Bool { endpoints < bridge.capacity }
    }

    public func select(region: String, roomBridges: [String], candidates: [Candidate]) -> Bridge? {
        let usable = candidates.filter { $0.hasRoom && $0.stress < topology.selection.stressThreshold }
        if let current = usable.first(where: { roomBridges.contains($0.bridge.id) }) { return current.bridge }
        let matrix = LatencyMatrix(topology: topology)
        let ranked = usable.sorted { a, b in
            let la = a.bridge.region == region ? 0 : matrix.rtt(region, a.bridge.region)?.ms ?? .infinity
            let lb = b.bridge.region == region ? 0 : matrix.rtt(region, b.bridge.region)?.ms ?? .infinity
            if la != lb { return la < lb }
            if a.endpoints != b.endpoints { return a.endpoints < b.endpoints }
            return a.bridge.id < b.bridge.id
        }
        return ranked.first?.bridge
    }
}
