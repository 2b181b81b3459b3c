import Cascade
import Control
import Topology

/// Rooms that span bridges (DESIGN §5, "Trees"): the plan over a room's
/// bridges and the `cascade` command each of them holds.
///
/// A room's cascade is recomputed from scratch whenever anything it depends
/// on changes (a participant joins or leaves, a bridge comes or goes, a link
/// goes down or up): the plan over the room's bridges that are up, with live
/// RTTs, and one full-state command per bridge. Full state rather than
/// deltas because a bridge that missed or reordered one command is repaired
/// by the next, and the controller never has to know what a bridge did with
/// the previous one.
extension Controller {
    /// Brings every bridge of `room` in line with the room as it is now, and
    /// returns once that is done (or failed: a bridge that does not answer
    /// is logged, never an error for the caller; the next change retries).
    ///
    /// Passes for one room never overlap (see `RoomCascade`): while one runs,
    /// further requests wait for one more pass that starts after it.
    func syncCascade(room: String) async {
        var entry = cascades[room] ?? RoomCascade()
        entry.requested += 1
        let ticket = entry.requested
        if entry.running {
            cascades[room] = entry
            await withCheckedContinuation { continuation in
                cascades[room, default: RoomCascade()].waiters.append((ticket, continuation))
            }
            return
        }
        entry.running = true
        cascades[room] = entry
        while let current = cascades[room], current.completed < current.requested {
            let target = current.requested
            await cascadePass(room: room)
            cascades[room, default: RoomCascade()].finish(upTo: target)
        }
        cascades[room]?.running = false
        if cascades[room]?.isIdle == true { cascades[room] = nil }
    }

    /// Replans, concurrently, every room with participants on one of
    /// `bridges` or whose cascade state one of them holds, except the rooms
    /// in `except` (already replanned by the caller).
    func syncRooms(touching bridges: Set<String>, except: Set<String> = []) async {
        var affected = Set(rooms.values.filter { !bridges.isDisjoint(with: $0.bridges) }.map(\.id))
        for (room, entry) in cascades where !bridges.isDisjoint(with: entry.holding) { affected.insert(room) }
        await syncRooms(affected.subtracting(except))
    }

    func syncRooms(_ affected: Set<String>) async {
        await withTaskGroup(of: Void.self) { group in
            for room in affected { group.addTask { await self.syncCascade(room: room) } }
        }
    }

    /// One pass: plan, record, send. The room is read once, after the
    /// registry was asked, so the commands describe one consistent state.
    private func cascadePass(room: String) async {
        let links = await registry.links(await registry.upBridges())
        let stats = await registry.allStats()
        let participants = rooms[room]?.ordered ?? []
        let bridges = (rooms[room]?.bridges ?? []).filter { links[$0] != nil }
        let holding = cascades[room]?.holding ?? []
        let plan = topology.cascade.strategy != .single && bridges.count > 1
            ? planCascade(room: room, bridges: bridges, stats: stats) : nil
        let commands = CascadeCommands.make(room: room, participants: participants, plan: plan, holding: holding)

        // Still holding: bridges told a plan, and bridges owed the clearing
        // command that cannot be reached now (down, not yet removed from the
        // topology), so that they get it when they come back.
        let told = commands.filter { !$0.value.links.isEmpty }.keys
        let owed = commands.keys.filter { links[$0] == nil && topology.bridge(id: $0) != nil }
        let previous = cascades[room]?.plan
        cascades[room, default: RoomCascade()].plan = plan
        cascades[room, default: RoomCascade()].holding = Set(told).union(owed)
        if previous?.edges != plan?.edges {
            let shape = plan.map { $0.edges.map { "\($0.a)–\($0.b)" }.joined(separator: ", ") } ?? "one bridge"
            log("cascade \(room): \(shape)")
        }
        await send(commands, over: links, room: room)
    }

    /// The plan over `bridges` (at least two, all up). The planner cannot
    /// fail here: the bridges are known to `latencies`, every pair has a
    /// figure (declared, estimated or live, all finite) and `max-fanout` is
    /// at least 2 (the topology parser's bound); a failure would still only
    /// be logged, leaving the room without a plan.
    private func planCascade(room: String, bridges: [String], stats: [String: BridgeStats]) -> CascadeTree? {
        let latencies = linkHealth.latencies(topology: topology, stats: stats)
        // A bridge removed from the topology by a reload has no latencies.
        let known = bridges.filter { latencies.isKnown($0) }
        guard known.count > 1 else { return nil }
        do {
            return try CascadePlanner(settings: topology.cascade).plan(bridges: known, latencies: latencies)
        } catch {
            log("cascade \(room): \(error)")
            return nil
        }
    }

    /// Sends each bridge its command, all at once: one slow bridge must not
    /// delay the others (failover time is the surviving bridges' time).
    private func send(_ commands: [String: ControlCommand.Cascade], over links: [String: BridgeLink], room: String) async {
        let log = self.log
        await withTaskGroup(of: Void.self) { group in
            for (bridge, command) in commands {
                guard let link = links[bridge] else { continue }
                group.addTask {
                    do { try await link.execute(.cascade(command)) } catch {
                        log("cascade \(room): bridge \(bridge) did not take its cascade command: \(error)")
                    }
                }
            }
        }
    }

    /// The room's plan edges with their RTT (none for a link planned as
    /// down: its figure is `LinkHealth`'s penalty) and the room's media rate
    /// in each direction (for `GET /v1/rooms/{room}`).
    func cascadeEdges(room: String) async -> [RoomInfo.Edge] {
        guard let plan = cascades[room]?.plan else { return [] }
        var samples: [String: LinkRates.Samples] = [:]
        for bridge in plan.bridges { samples[bridge] = await registry.samples(bridge) }
        return plan.edges.map { edge in
            RoomInfo.Edge(a: edge.a, b: edge.b, rttMs: LinkHealth.rtt(planned: edge.rttMs),
                          aToB: LinkRates.rate(room: room, from: edge.a, to: edge.b, samples: samples),
                          bToA: LinkRates.rate(room: room, from: edge.b, to: edge.a, samples: samples))
        }
    }
}
