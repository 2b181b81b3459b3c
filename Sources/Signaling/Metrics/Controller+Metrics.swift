import Topology

/// What the controller's `/metrics` reads from its rooms. Lives beside the
/// metrics rather than in `Controller.swift` so the controller's rules stay
/// free of exposition concerns; it is a read-only snapshot taken on the
/// actor, one hop per scrape.
extension Controller {
    struct Occupancy: Sendable {
        var rooms = 0
        /// Participants per region, with every topology region present (zero included).
        var participantsByRegion: [String: Int] = [:]
        /// Participants per bridge, with every topology bridge present.
        var participantsByBridge: [String: Int] = [:]
    }

    func occupancy() -> Occupancy {
        var result = Occupancy(rooms: rooms.count)
        for region in topology.regions { result.participantsByRegion[region.name] = 0 }
        for bridge in topology.bridges { result.participantsByBridge[bridge.id] = 0 }
        for room in rooms.values {
            for participant in room.participants.values {
                result.participantsByRegion[participant.region, default: 0] += 1
                result.participantsByBridge[participant.bridge, default: 0] += 1
            }
        }
        return result
    }
}
