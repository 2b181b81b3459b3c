import Foundation

/// Watches a topology file and reports each new version of it.
///
/// Controllers and bridges apply valid edits live and must survive invalid
/// ones (DESIGN §3), so an invalid edit is reported together with the last
/// valid topology, which stays in force. The file is polled rather than
/// watched with inotify: editors save by writing a temporary file and renaming
/// it over the original, which replaces the inode an inotify watch is on,
/// and a poll of a few kilobytes every quarter second costs nothing. A change
/// is acted on once the content is the same in two consecutive polls, so a
/// half-written file is not reported as an error.
public enum TopologyWatcher {
    public enum Event: Sendable, Equatable {
        /// A valid version differing from the previous valid one (the first
        /// event, if the file is valid when watching starts).
        case updated(Topology)
        /// The file changed and is invalid; `keeping` stays in force.
        case rejected(TopologyError, keeping: Topology?)
    }

    /// Events for `path` until the consumer stops iterating.
    public static func events(path: String, interval: Duration = .milliseconds(250)) -> AsyncStream<Event> {
        AsyncStream { continuation in
            let task = Task {
                var state = PollState()
                while !Task.isCancelled {
                    if let event = state.poll(path: path) { continuation.yield(event) }
                    try? await Task.sleep(for: interval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// What one watcher remembers between polls. A value type driven by `poll`,
/// so the rules (settle, dedupe, keep last valid) are testable without timing.
struct PollState {
    private var lastSeen: Data?
    private var lastProcessed: Data?
    private(set) var current: Topology?

    /// Reads the file once; returns an event when a settled change is found.
    mutating func poll(path: String) -> TopologyWatcher.Event? {
        // An unreadable file is content too: its error is reported like any other.
        let content = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        defer { lastSeen = content }
        guard content == lastSeen, content != lastProcessed else { return nil }
        lastProcessed = content
        do {
            let topology = try Topology.load(path: path)
            guard topology != current else { return nil }
            current = topology
            return .updated(topology)
        } catch {
            return .rejected(error, keeping: current)
        }
    }
}
