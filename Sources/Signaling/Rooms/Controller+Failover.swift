import Control
import Topology

/// Failover (issue 6; DESIGN §6 "failover gap"): when a bridge dies — its
/// control socket closed, or it went silent for the registry's limit — each
/// of its participants is moved to the next best bridge by the ordinary
/// selection rules, without leaving the room.
///
/// A move is a renegotiation that changes only the transport: a new endpoint
/// (new ICE credentials) on the new bridge, and an `offer` event whose
/// candidates, fingerprint and credentials are the new bridge's while every
/// m-line stays as it was (same mids, same announced SSRCs). The other
/// participants' offers do not change at all: they receive the moved
/// participant under the SSRCs announced at its join, whichever bridge it
/// sends through — that is why SSRCs are announced rather than passed on.
/// The room's cascade is recomputed before the offers go out, so the
/// surviving bridges already relay the moved participant's new bridge when
/// its media starts. A participant no bridge can take is removed as if it
/// had left (the others get their renegotiation).
extension Controller {
    /// How many bridges a participant's move tries before giving up (one
    /// refusing its allocation must not cost the participant its place).
    static let moveAttempts = 3

    /// Moves every participant on one of `dead` off it. Returns the rooms it
    /// handled (their cascades are in step when it returns).
    @discardableResult
    func failover(from dead: Set<String>) async -> Set<String> {
        guard !dead.isEmpty else { return [] }
        let affected = rooms.values.filter { room in room.participants.values.contains { dead.contains($0.bridge) } }.map(\.id)
        await withTaskGroup(of: Void.self) { group in
            for room in affected { group.addTask { await self.failover(room: room, from: dead) } }
        }
        return Set(affected)
    }

    private func failover(room roomID: String, from dead: Set<String>) async {
        let stranded = (rooms[roomID]?.ordered ?? []).filter { dead.contains($0.bridge) && !moving.contains($0.id) }
        guard !stranded.isEmpty else { return }
        moving.formUnion(stranded.map(\.id))
        let outcomes = await withTaskGroup(of: (id: String, bridge: String?).self) { group in
            for id in stranded.map(\.id) {
                group.addTask { (id, await self.move(id, room: roomID, from: dead)) }
            }
            var outcomes: [(id: String, bridge: String?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        moving.subtract(stranded.map(\.id))
        await syncCascade(room: roomID)
        for (id, bridge) in outcomes.sorted(by: { $0.id < $1.id }) {
            if bridge != nil {
                _ = try? await makeOffer(room: roomID, participant: id)
            } else if rooms[roomID]?.participants[id] != nil {
                log("move  \(roomID)/\(id): no bridge can take it; removed from the room")
                try? await leave(room: roomID, participant: id)
            }
        }
        // A new bridge that died while the moves were under way: move again.
        let landed = Set(outcomes.compactMap(\.bridge))
        var deadAgain: Set<String> = []
        for bridge in landed where !(await registry.isUp(bridge)) { deadAgain.insert(bridge) }
        if !deadAgain.isEmpty { await failover(room: roomID, from: dead.union(deadAgain)) }
    }

    /// Allocates `id` on the best bridge outside `dead` and records it there.
    /// Returns the new bridge, or `nil` when no bridge could take it (or the
    /// participant left meanwhile, in which case nothing is left behind).
    private func move(_ id: String, room roomID: String, from dead: Set<String>) async -> String? {
        var excluded = dead
        for _ in 0..<Self.moveAttempts {
            guard let participant = rooms[roomID]?.participants[id], dead.contains(participant.bridge) else { return nil }
            let selection: BridgeSelector.Selection
            do { selection = try await place(endpoint: id, room: roomID, region: participant.region, excluding: excluded) } catch {
                break
            }
            let target = selection.bridge.id
            let allocation: Allocation
            do { allocation = try await allocate(id, room: roomID, region: participant.region, on: target) } catch {
                log("move  \(roomID)/\(id): bridge \(target) refused: \(error)")
                excluded.insert(target)
                continue
            }
            // Re-read: the participant may have left while the bridge answered.
            guard let current = rooms[roomID]?.participants[id], dead.contains(current.bridge) else {
                ledger.remove(endpoint: id)
                try? await allocation.link.execute(.expire(.init(conference: roomID, endpoint: id)))
                return nil
            }
            rooms[roomID]?.participants[id]?.bridge = target
            rooms[roomID]?.participants[id]?.iceUfrag = allocation.iceUfrag
            rooms[roomID]?.participants[id]?.icePwd = allocation.icePwd
            log("move  \(roomID)/\(id) \(current.name) bridge \(current.bridge) → \(target) (\(selection.rule.rawValue))")
            return target
        }
        ledger.remove(endpoint: id)
        return nil
    }
}
