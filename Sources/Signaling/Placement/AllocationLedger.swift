/// The endpoints the controller has placed on each bridge, counted from the
/// moment a bridge is chosen (before the `allocate` round trip), until the
/// participant leaves, expires, moves away or its allocation fails.
///
/// Why the controller counts for itself: a bridge reports its endpoints once
/// a second, so during a burst of joins every report is stale and the
/// bridge that looked emptiest would take them all. `load` therefore never
/// goes below what the controller knows it put there, nor below the last
/// report plus the placements made after that report was received (a report
/// cannot include them).
///
/// A value type living inside the `Controller` actor: choosing a bridge and
/// recording the placement happen with no suspension in between, so two
/// concurrent joins always see each other.
struct AllocationLedger: Sendable {
    struct Placement: Sendable {
        var room: String
        var bridge: String
        var at: ContinuousClock.Instant
    }

    /// Keyed by endpoint id (participant ids are random, unique per controller).
    private var placements: [String: Placement] = [:]

    /// Records (or moves) `endpoint` onto `bridge`.
    mutating func place(endpoint: String, room: String, bridge: String, at instant: ContinuousClock.Instant = .now) {
        placements[endpoint] = Placement(room: room, bridge: bridge, at: instant)
    }

    /// Forgets `endpoint` (left, expired, failed). Returns where it was.
    @discardableResult
    mutating func remove(endpoint: String) -> Placement? {
        placements.removeValue(forKey: endpoint)
    }

    func placement(of endpoint: String) -> Placement? { placements[endpoint] }

    /// Endpoints placed on `bridge` now, optionally only those of `room`.
    func count(on bridge: String, room: String? = nil) -> Int {
        placements.values.count { $0.bridge == bridge && (room == nil || $0.room == room) }
    }

    /// The bridges holding placements of `room`, earliest placement first.
    func bridges(room: String) -> [String] {
        var first: [String: ContinuousClock.Instant] = [:]
        for placement in placements.values where placement.room == room {
            first[placement.bridge] = min(first[placement.bridge] ?? placement.at, placement.at)
        }
        return first.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }.map(\.key)
    }

    /// The load to plan with: the larger of the controller's own count and
    /// the bridge's last report plus the placements made after it.
    func load(on bridge: String, reported: Int, reportedAt: ContinuousClock.Instant?) -> Int {
        let own = count(on: bridge)
        guard let reportedAt else { return max(own, reported) }
        let since = placements.values.count { $0.bridge == bridge && $0.at > reportedAt }
        return max(own, reported + since)
    }
}
