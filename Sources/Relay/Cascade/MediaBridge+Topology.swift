import Logging
import Topology

extension MediaBridge {
    /// Follows the topology file (live reload, DESIGN §3): each valid
    /// version gives the bridge its new cascade peers (bridges added or
    /// removed, addresses or keys changed); an invalid edit is logged with
    /// every `FILE:LINE:COLUMN` and the running peers stay. What only a
    /// restart can change (this bridge's own media or overlay address) is
    /// logged as such. Runs until the task is cancelled.
    ///
    /// - Parameters:
    ///   - startedWith: the version the bridge was started from. Compared
    ///     with each new version, so an edit made before the watcher's
    ///     first look at the file is applied too.
    ///   - keys: cascade public keys the topology does not carry
    ///     (`meridian up` makes them in memory).
    public func follow(topologyFile path: String, startedWith: Topology, keys: [String: PublicKey] = [:],
                       logger: Logger, interval: Duration = .milliseconds(250)) async {
        let id = configuration.id
        var current = startedWith
        for await event in TopologyWatcher.events(path: path, interval: interval) {
            switch event {
            case .updated(let next):
                guard next != current else { continue }
                let previous = current
                current = next
                if let error = await setCascadePeers(CascadePeer.peers(in: next, excluding: id, keys: keys)) {
                    logger.error("topology: \(path): cannot apply the new peers: \(error)")
                    continue
                }
                guard let mine = next.bridge(id: id) else {
                    logger.warning("topology: bridge \(id) was removed from \(path); it keeps its participants (draining)")
                    continue
                }
                if let before = previous.bridge(id: id), before.media != mine.media || before.overlay != mine.overlay {
                    logger.warning("topology: the media or overlay address of \(id) changed; restart the bridge to use it")
                }
                logger.info("topology: applied \(path): \(next.bridges.count) bridges")
            case .rejected(let error, _):
                logger.error("topology: the edit of \(path) is invalid; keeping the running version:\n\(error)")
            }
        }
    }
}
