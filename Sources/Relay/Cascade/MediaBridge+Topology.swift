import Logging
import Topology

extension MediaBridge {
    /// Follows the topology file (live reload, DESIGN §3): each valid
    /// version is applied (`apply(topology:after:)`); an invalid edit is
    /// logged with every `FILE:LINE:COLUMN` and the running peers stay. Runs
    /// until the task is cancelled.
    ///
    /// - Parameters:
    ///   - startedWith: the version the bridge was started from. Compared
    ///     with each new version, so an edit made before the watcher's
    ///     first look at the file is applied too.
    public func follow(topologyFile path: String, startedWith: Topology, logger: Logger,
                       interval: Duration = .milliseconds(250)) async {
        var current = startedWith
        for await event in TopologyWatcher.events(path: path, interval: interval) {
            switch event {
            case .updated(let next):
                guard next != current else { continue }
                await apply(topology: next, after: current, logger: logger)
                current = next
            case .rejected(let error, _):
                logger.error("topology: the edit of \(path) is invalid; keeping the running version:\n\(error)")
            }
        }
    }

    /// Adopts a new topology version: the bridge's new cascade peers
    /// (bridges added or removed, addresses or keys changed). What only a
    /// restart can change (this bridge's own media or overlay address) is
    /// logged as such.
    ///
    /// - Parameter keys: cascade public keys the topology does not carry
    ///   (`meridian up` makes them in memory).
    public func apply(topology next: Topology, after previous: Topology, keys: [String: PublicKey] = [:],
                      logger: Logger) async {
        let id = configuration.id
        if let error = await setCascadePeers(CascadePeer.peers(in: next, excluding: id, keys: keys)) {
            return logger.error("topology: cannot apply the new peers: \(error)")
        }
        guard let mine = next.bridge(id: id) else {
            return logger.warning("topology: bridge \(id) was removed from the topology; it keeps its participants (draining)")
        }
        if let before = previous.bridge(id: id), before.media != mine.media || before.overlay != mine.overlay {
            logger.warning("topology: the media or overlay address of \(id) changed; restart the bridge to use it")
        }
        logger.info("topology: applied '\(next.name)': \(next.bridges.count) bridges")
    }
}
