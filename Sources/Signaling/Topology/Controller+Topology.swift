import Topology

/// Live topology reload (DESIGN §3): the controller follows its topology
/// file; a valid edit applies without a restart, an invalid one is logged
/// with every `FILE:LINE:COLUMN` and the running version stays.
extension Controller {
    /// Adopts a new topology version: the registry learns new, changed and
    /// removed bridges (removed ones drain), placement and region resolution
    /// use the new regions, capacities and policies from the next join on,
    /// and every room's cascade is planned again (latencies, strategy or
    /// fan-out may have changed).
    public func apply(topology new: Topology) async {
        let old = topology
        topology = new
        await registry.apply(new)
        let added = new.bridges.map(\.id).filter { id in !old.bridges.contains { $0.id == id } }
        let removed = old.bridges.map(\.id).filter { id in !new.bridges.contains { $0.id == id } }
        var summary = "topology: applied '\(new.name)': \(new.bridges.count) bridges"
        if !added.isEmpty { summary += ", added \(added.joined(separator: ", "))" }
        if !removed.isEmpty { summary += ", removed \(removed.joined(separator: ", ")) (draining)" }
        log(summary)
        await syncRooms(Set(rooms.keys))
    }

    /// Follows `path` until the task is cancelled. The watcher's first event
    /// is the file as it is now; it is applied only if it differs from the
    /// version the controller started with.
    public func follow(topologyFile path: String, interval: Duration = .milliseconds(250)) async {
        for await event in TopologyWatcher.events(path: path, interval: interval) {
            switch event {
            case .updated(let next):
                if next != topology { await apply(topology: next) }
            case .rejected(let error, _):
                log("topology: the edit of \(path) is invalid; keeping the running version:\n\(error)")
            }
        }
    }
}
