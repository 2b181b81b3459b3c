import Topology

/// Picks the bridge for a new participant. Participants should reach a bridge
/// close to them (the access leg is the part nobody can cascade around), and a
/// room should spread over as few bridges as that allows (every extra bridge
/// is one more cascade link and one more copy of each stream). So, in order:
///
/// 1. a bridge the room already uses in the participant's region (the room's
///    earliest one first);
/// 2. any bridge in the participant's region, the least loaded first (fewest
///    endpoints), then by id;
/// 3. a bridge of the nearest region by round-trip latency (`LatencyMatrix`:
///    declared `latency-ms`, else the great-circle estimate); within that
///    region a bridge the room already uses first, then the least loaded, then
///    by id.
///
/// Exception: with `cascade.strategy: single` a room never spans bridges, so
/// every participant goes to the room's first bridge that is still
/// selectable, or nowhere (`nil`) when that bridge is full or stressed:
/// splitting the room would leave the two halves unable to see each other.
/// Only when none of the room's bridges is selectable any more (all down or
/// draining) is a new host chosen by the rules above.
///
/// A bridge that cannot take the participant (full: `capacity` endpoints;
/// stressed: above `selection.stress-threshold`) never qualifies, and
/// `candidates` only holds selectable bridges (up, not draining). A value
/// type; `select` is pure.
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

    /// - Parameters:
    ///   - region: the participant's region.
    ///   - roomBridges: the bridges the room uses, earliest first.
    ///   - candidates: the selectable bridges with their load.
    public func select(region: String, roomBridges: [String], candidates: [Candidate]) -> Bridge? {
        let usable = candidates.filter { $0.hasRoom && $0.stress < topology.selection.stressThreshold }
        if topology.cascade.strategy == .single,
           let host = roomBridges.first(where: { id in candidates.contains { $0.bridge.id == id } }) {
            return usable.first { $0.bridge.id == host }?.bridge
        }
        // 1. The room's bridge in the participant's region.
        for id in roomBridges {
            if let current = usable.first(where: { $0.bridge.id == id && $0.bridge.region == region }) {
                return current.bridge
            }
        }
        // 2. The least loaded bridge of the region.
        if let local = usable.filter({ $0.bridge.region == region }).min(by: Self.lessLoaded) {
            return local.bridge
        }
        // 3. The nearest region; the room's bridge there first.
        let matrix = LatencyMatrix(topology: topology)
        func distance(_ candidate: Candidate) -> Double {
            matrix.rtt(region, candidate.bridge.region)?.ms ?? .infinity
        }
        let nearest = usable.min { a, b in
            let da = distance(a), db = distance(b)
            if da != db { return da < db }
            let ra = roomBridges.contains(a.bridge.id), rb = roomBridges.contains(b.bridge.id)
            if ra != rb { return ra }
            return Self.lessLoaded(a, b)
        }
        return nearest?.bridge
    }

    private static func lessLoaded(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.endpoints != b.endpoints { return a.endpoints < b.endpoints }
        return a.bridge.id < b.bridge.id
    }
}
