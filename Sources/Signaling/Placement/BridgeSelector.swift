import Topology

/// Picks the bridge for a new (or moved) participant. Participants should
/// reach a bridge close to them (the access leg is the part nobody can
/// cascade around), and a room should spread over as few bridges as that
/// allows (every extra bridge is one more cascade link and one more copy of
/// each stream). So, in order — the rule that decided is returned with the
/// bridge, for the join response and the per-rule counters:
///
/// 1. `room-region`: a bridge the room already uses in the participant's
///    region (the room's earliest one first);
/// 2. `region`: any bridge in the participant's region, the least loaded
///    first (fewest endpoints), then by id;
/// 3. `nearest`: a bridge of the nearest region by round-trip latency
///    (`LatencyMatrix`: declared `latency-ms`, else the great-circle
///    estimate); within that region a bridge the room already uses first,
///    then the least loaded, then by id.
///
/// Every rule only considers bridges that can take the participant; one is
/// skipped (`SkipReason`) when it is down, draining, excluded by the caller
/// (the bridge a participant is moved away from), full (`capacity`
/// endpoints), above `selection.stress-threshold`, or already holding
/// `selection.max-participants-per-bridge` participants of this room.
/// Load and stress are the caller's estimates (`PlacementLoad`): reported
/// figures plus what was allocated since the report, so a burst of joins
/// spreads instead of piling onto the bridge whose report lags.
///
/// Exception: with `cascade.strategy: single` a room never spans bridges, so
/// every participant goes to the room's first bridge that is still up and
/// not draining (rule `room`), or nowhere (`nil`) when that bridge is full
/// or stressed: splitting the room would leave the two halves unable to see
/// each other. Only when none of the room's bridges is selectable any more
/// is a new host chosen by the rules above.
///
/// A value type; `select` is pure.
public struct BridgeSelector: Sendable {
    let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Which rule chose the bridge (the `selection` field of a join response).
    public enum Rule: String, Sendable, CaseIterable, Codable {
        case roomRegion = "room-region"
        case region
        case nearest
        /// `single` strategy: the room's one bridge, wherever it is.
        case room
    }

    /// Why a bridge cannot take the participant.
    public enum SkipReason: String, Sendable, Equatable {
        case down, draining, excluded, full, stressed
        case roomFull = "room-full"
    }

    public struct Selection: Sendable, Equatable {
        public var bridge: Bridge
        public var rule: Rule
    }

    /// One bridge as the selector sees it.
    public struct Candidate: Sendable {
        public var bridge: Bridge
        public var up: Bool
        public var draining: Bool
        /// Endpoints on the bridge, counting allocations newer than its report.
        public var endpoints: Int
        /// Estimated stress, 0…1 and beyond.
        public var stress: Double
        /// Participants of the room being placed that the bridge holds.
        public var roomParticipants: Int
        /// Set by the caller for bridges that must not be chosen (failover).
        public var excluded: Bool

        public init(bridge: Bridge, endpoints: Int = 0, stress: Double = 0, roomParticipants: Int = 0,
                    up: Bool = true, draining: Bool = false, excluded: Bool = false) {
            self.bridge = bridge
            self.up = up
            self.draining = draining
            self.endpoints = endpoints
            self.stress = stress
            self.roomParticipants = roomParticipants
            self.excluded = excluded
        }
    }

    /// Why `candidate` cannot take a participant of its room, or `nil` if it can.
    public func skipReason(_ candidate: Candidate) -> SkipReason? {
        if !candidate.up { return .down }
        if candidate.draining { return .draining }
        if candidate.excluded { return .excluded }
        if candidate.endpoints >= candidate.bridge.capacity { return .full }
        if candidate.stress >= topology.selection.stressThreshold { return .stressed }
        if candidate.roomParticipants >= topology.selection.maxParticipantsPerBridge { return .roomFull }
        return nil
    }

    /// - Parameters:
    ///   - region: the participant's region.
    ///   - roomBridges: the bridges the room uses, earliest first.
    ///   - candidates: the bridges with their state and load.
    public func select(region: String, roomBridges: [String], candidates: [Candidate]) -> Selection? {
        let usable = candidates.filter { skipReason($0) == nil }
        if topology.cascade.strategy == .single,
           let host = roomBridges.first(where: { id in
               candidates.contains { $0.bridge.id == id && $0.up && !$0.draining && !$0.excluded }
           }) {
            return usable.first { $0.bridge.id == host }.map {
                Selection(bridge: $0.bridge, rule: $0.bridge.region == region ? .roomRegion : .room)
            }
        }
        // 1. The room's bridge in the participant's region.
        for id in roomBridges {
            if let current = usable.first(where: { $0.bridge.id == id && $0.bridge.region == region }) {
                return Selection(bridge: current.bridge, rule: .roomRegion)
            }
        }
        // 2. The least loaded bridge of the region.
        if let local = usable.filter({ $0.bridge.region == region }).min(by: Self.lessLoaded) {
            return Selection(bridge: local.bridge, rule: .region)
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
        return nearest.map { Selection(bridge: $0.bridge, rule: .nearest) }
    }

    private static func lessLoaded(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.endpoints != b.endpoints { return a.endpoints < b.endpoints }
        return a.bridge.id < b.bridge.id
    }
}
