import Control
import Topology

/// Bridges coming, going and reporting (DESIGN §5): what the control channel
/// tells the controller, and the periodic check for bridges that went silent.
///
/// Every change of a bridge's presence or of a link's state replans the
/// rooms it concerns (`Controller+Cascade`). A closed socket replans at once,
/// so the surviving bridges of a room stop waiting for the dead one's media
/// within one command round trip; a bridge that merely stops talking is
/// caught by `checkBridges` once its registry silence limit passes. Either
/// way the dead bridge's participants are moved first (`Controller+Failover`).
/// A bridge that comes back gets no participants back: they have moved on,
/// and it takes new ones like any other bridge.
extension Controller {
    /// A bridge's control channel opened (after `registry.connect`). Its
    /// links are new, so earlier verdicts on them are dropped, and the rooms
    /// with participants on it get their cascade back.
    public func bridgeConnected(_ bridge: String) async {
        linkHealth.forget(bridge)
        guard await registry.isUp(bridge) else { return }
        knownUp.insert(bridge)
        await syncRooms(touching: [bridge])
    }

    /// Drains (`true`) or undrains a bridge at run time (`OperatorRoutes`).
    /// Draining moves nobody: the participants on the bridge stay until they
    /// leave; only new ones go elsewhere.
    public func setDraining(_ bridge: String, _ draining: Bool) async -> BridgeRegistry.DrainChange {
        let change = await registry.setDraining(bridge, draining)
        if change == .applied { log("bridge \(bridge) \(draining ? "draining: no new participants" : "undrained: takes participants again")") }
        return change
    }

    /// A bridge's control channel closed: unregisters `link`, moves the
    /// bridge's participants elsewhere and replans the rooms that used it.
    /// Nothing happens when `link` was already replaced by a newer connection
    /// of the same bridge.
    public func bridgeDisconnected(_ link: BridgeLink) async {
        guard await registry.disconnect(link) else { return }
        guard !(await registry.isUp(link.bridge)) else { return }
        knownUp.remove(link.bridge)
        let moved = await failover(from: [link.bridge])
        await syncRooms(touching: [link.bridge], except: moved)
    }

    /// One frame from a bridge after its hello, received `at` (now, except in
    /// tests that need exact report times): the single entry for every bridge
    /// message (`ControlEndpoint` calls it for each frame). Stats only update
    /// the registry (their RTTs feed the next plan; they do not replan by
    /// themselves, or every jitter would reshape trees each second); replies
    /// resolve the command waiting on `link`. Nonisolated so that neither
    /// waits for the actor: a reply must reach a command the actor awaits.
    public nonisolated func receive(_ message: BridgeMessage, from link: BridgeLink,
                                    at instant: ContinuousClock.Instant = .now) async {
        switch message {
        case .hello: log("control: \(link.bridge) said hello twice; ignored")
        case .stats(let stats): await registry.report(stats, from: link.bridge, at: instant)
        case .reply(let reply): await link.resolve(reply)
        case .event(let event): await endpointEvent(event, from: link.bridge)
        case .link(let event): await linkEvent(event, from: link.bridge)
        }
    }

    /// A bridge says an endpoint connected, or is gone (consent expired,
    /// DTLS failed). It counts only from the bridge the participant is on
    /// now, and not while it is being moved: a bridge that was given up for
    /// dead and came back reports the endpoints it lost, and the participants
    /// moved away from it meanwhile must not be removed for that.
    private func endpointEvent(_ event: EndpointEvent, from bridge: String) async {
        guard let participant = rooms[event.conference]?.participants[event.endpoint],
              participant.bridge == bridge, !moving.contains(event.endpoint) else {
            log("control: \(bridge) reported \(event.kind.rawValue) for \(event.conference)/\(event.endpoint), which is not on it; ignored")
            return
        }
        switch event.kind {
        case .connected:
            log("media \(event.conference)/\(event.endpoint) connected")
        case .expired, .failed:
            log("media \(event.conference)/\(event.endpoint) \(event.kind.rawValue)\(event.detail.map { ": \($0)" } ?? "")")
            try? await leave(room: event.conference, participant: event.endpoint)
        }
    }

    /// A bridge says its link to `event.peer` went down or up. A down link is
    /// avoided by every plan that has another choice; rooms spanning both
    /// ends are replanned when the verdict changed. A peer the topology does
    /// not know (or the bridge itself) is ignored: a bridge must not be able
    /// to make the controller plan around a name it made up.
    public func linkEvent(_ event: LinkEvent, from bridge: String) async {
        guard event.peer != bridge, topology.bridge(id: event.peer) != nil, topology.bridge(id: bridge) != nil else {
            log("control: \(bridge) reported a link to unknown bridge '\(event.peer)'; ignored")
            return
        }
        guard linkHealth.apply(event, from: bridge) else { return }
        log("link \(bridge)–\(event.peer) \(event.state.rawValue)")
        let affected = rooms.values.filter { $0.bridges.contains(bridge) && $0.bridges.contains(event.peer) }.map(\.id)
        await syncRooms(Set(affected))
    }

    /// Compares the bridges that are up now with the last check, moves the
    /// participants of every bridge that went down (silent for the
    /// registry's limit) and replans the rooms of those and of the bridges
    /// that came back.
    public func checkBridges() async {
        let up = Set(await registry.upBridges())
        let changed = up.symmetricDifference(knownUp)
        let down = knownUp.subtracting(up)
        knownUp = up
        guard !changed.isEmpty else { return }
        let moved = await failover(from: down)
        await syncRooms(touching: changed, except: moved)
    }

    /// Runs `checkBridges` every `interval` until the calling task is
    /// cancelled. Whoever runs the server runs this beside it.
    public func watchBridges(every interval: Duration = .milliseconds(500)) async {
        while !Task.isCancelled {
            await checkBridges()
            try? await Task.sleep(for: interval)
        }
    }
}
