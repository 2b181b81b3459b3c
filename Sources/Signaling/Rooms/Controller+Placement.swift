import Topology

/// Bridge selection as the controller applies it (issue 6, "Bridge
/// selection"): the registry's view of every bridge, corrected by what the
/// controller placed since the bridges last reported (`AllocationLedger`),
/// handed to `BridgeSelector`, and the choice recorded before anything else
/// can run on the actor — so 200 joins arriving together see each other's
/// placements rather than the same stale report.
extension Controller {
    /// Chooses a bridge for `endpoint` of `room` and counts it there at once.
    /// The caller removes it from the ledger (`ledger.remove`) if the
    /// allocation that follows fails. `excluding` names bridges that must not
    /// be chosen (the bridge a participant is moved away from).
    func place(endpoint: String, room: String, region: String,
               excluding: Set<String> = []) async throws(APIError) -> BridgeSelector.Selection {
        let view = await registry.placementView()
        // No suspension from here to `ledger.place`: choice and count are one step.
        let candidates = view.map { candidate(for: $0, room: room, excluding: excluding) }
        guard let selection = BridgeSelector(topology: topology)
            .select(region: region, roomBridges: roomBridges(room), candidates: candidates) else {
            throw .unavailable("no bridge can take a participant now (all down, draining, full or stressed)")
        }
        ledger.place(endpoint: endpoint, room: room, bridge: selection.bridge.id)
        selectionTally[selection.rule, default: 0] += 1
        return selection
    }

    /// How many placements (joins and failover moves) each selection rule
    /// decided since the controller started, every rule present (zero when
    /// unused). For `/metrics`.
    public func selectionCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for rule in BridgeSelector.Rule.allCases { counts[rule.rawValue] = selectionTally[rule] ?? 0 }
        return counts
    }

    /// The load estimate of one bridge for placing a participant of `room`.
    /// Stress is the larger of the reported figure and load over capacity:
    /// the bridge's own stress is endpoints over capacity, so this is the
    /// report brought up to date with the placements it cannot know yet.
    private func candidate(for view: PlacementView, room: String, excluding: Set<String>) -> BridgeSelector.Candidate {
        let id = view.bridge.id
        let load = ledger.load(on: id, reported: view.reportedEndpoints, reportedAt: view.reportedAt)
        let estimated = view.bridge.capacity > 0 ? Double(load) / Double(view.bridge.capacity) : 1
        return BridgeSelector.Candidate(bridge: view.bridge, endpoints: load,
                                        stress: max(view.reportedStress, estimated),
                                        roomParticipants: ledger.count(on: id, room: room),
                                        up: view.up, draining: view.draining, excluded: excluding.contains(id))
    }

    /// The room's bridges, earliest first: those of its participants, then
    /// those holding placements still being allocated (so the second of two
    /// simultaneous first joiners lands beside the first).
    private func roomBridges(_ room: String) -> [String] {
        var bridges = rooms[room]?.bridges ?? []
        for bridge in ledger.bridges(room: room) where !bridges.contains(bridge) { bridges.append(bridge) }
        return bridges
    }
}
