/// A meeting: its participants in join order. Lives inside the `Controller`
/// actor; value type so that a failed operation leaves no half-applied state.
struct Room: Sendable {
    let id: String
    var participants: [String: Participant] = [:]
    var nextJoinOrder = 0
    /// SSRCs already handed out in this room (announced SSRCs must be unique).
    var usedSSRCs: Set<UInt32> = []

    init(id: String) {
        self.id = id
    }

    var ordered: [Participant] {
        participants.values.sorted { $0.joinOrder < $1.joinOrder }
    }

    /// The bridges this room uses.
    var bridges: [String] {
        var seen: [String] = []
        for participant in ordered where !seen.contains(participant.bridge) { seen.append(participant.bridge) }
        return seen
    }

    mutating func uniqueSSRC<G: RandomNumberGenerator>(using generator: inout G) -> UInt32 {
        while true {
            let candidate = UInt32.random(in: 1...UInt32.max, using: &generator)
            if usedSSRCs.insert(candidate).inserted { return candidate }
        }
    }
}
