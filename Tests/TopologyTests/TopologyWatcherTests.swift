import Foundation
import Testing
@testable import Topology

struct TopologyWatcherTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    var path: String { directory.appendingPathComponent("topology.yaml").path }

    func write(_ text: String) throws {
        // Like an editor: write a temporary file, rename it over the original.
        let temporary = directory.appendingPathComponent(".topology.yaml.swp").path
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        _ = rename(temporary, path)
    }

    static func topology(capacity: Int) -> String {
        """
        version: 1
        name: watched
        regions:
          eu: { lat: 50, lon: 8 }
        overlay: { mode: loopback }
        bridges:
          b-1: { region: eu, media: 127.0.0.1:10000, overlay: 127.0.0.1:4000, capacity: { endpoints: \(capacity) } }
        signaling: { default-region: eu }
        """
    }

    @Test func pollStateSettlesDedupesAndKeepsTheLastValidVersion() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var state = PollState()
        try write(Self.topology(capacity: 10))
        #expect(state.poll(path: path) == nil, "a change is acted on once it has settled")
        guard case .updated(let first)? = state.poll(path: path) else { Issue.record("no update"); return }
        #expect(first.bridges[0].capacity == 10)
        #expect(state.poll(path: path) == nil, "unchanged file, no event")

        try write(Self.topology(capacity: 10) + "\nbridgs: {}\n")
        _ = state.poll(path: path)
        guard case .rejected(let error, let keeping)? = state.poll(path: path) else { Issue.record("no rejection"); return }
        #expect(error.description.contains("topology.yaml:9:1: error: unknown key 'bridgs'"))
        #expect(keeping == first)
        #expect(state.current == first)

        try write(Self.topology(capacity: 20))
        _ = state.poll(path: path)
        guard case .updated(let second)? = state.poll(path: path) else { Issue.record("no update"); return }
        #expect(second.bridges[0].capacity == 20)

        // A comment-only edit changes bytes but not the topology: no event.
        try write(Self.topology(capacity: 20) + "\n# a comment\n")
        _ = state.poll(path: path)
        #expect(state.poll(path: path) == nil)
    }

    @Test func watcherStreamYieldsValidVersionsAndReportsInvalidEdits() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(Self.topology(capacity: 10))
        var events = TopologyWatcher.events(path: path, interval: .milliseconds(20)).makeAsyncIterator()

        guard case .updated(let initial)? = await events.next() else { Issue.record("no initial"); return }
        #expect(initial.bridges[0].capacity == 10)

        try write("version: 1\nname: [")
        guard case .rejected(let error, let keeping)? = await events.next() else { Issue.record("no rejection"); return }
        #expect(error.description.contains("not valid YAML"))
        #expect(keeping?.bridges[0].capacity == 10)

        try write(Self.topology(capacity: 30))
        guard case .updated(let next)? = await events.next() else { Issue.record("no update"); return }
        #expect(next.bridges[0].capacity == 30)
    }
}
