import Control
import Overlay
@testable import Relay

/// Bridges with cascade planes on loopback, driven on the test's thread (no
/// media threads: each `pump` reads every socket of every bridge in turn),
/// and synthetic participants keyed directly (no ICE/DTLS, real SRTP).
/// Cascade frames are sealed with real libsodium sessions over real UDP.
final class CascadeTestCluster {
    let engines: [String: MediaEngine]
    let ids: [String]
    var participants: [String: SyntheticParticipant] = [:]
    var running: Set<String>
    static let conference = "cascade-test"

    init(bridges ids: [String], pingInterval: Duration = .milliseconds(100)) throws {
        let loopback = PeerAddress("127.0.0.1:0")!
        var engines: [String: MediaEngine] = [:]
        var peers: [CascadePeer] = []
        for id in ids {
            let engine = try MediaEngine(socket: UDPSocket(bind: loopback), certificate: DTLSCertificate(), capacity: 100)
            engine.consentTimeout = .seconds(3600)
            let key = KeyPair.generate()
            let plane = try CascadePlane(localId: id, settings: CascadeSettings(overlay: loopback, key: key,
                                                                                pingInterval: pingInterval))
            engine.cascade = plane
            engines[id] = engine
            peers.append(CascadePeer(id: id, overlay: plane.socket.localAddress, publicKey: key.publicKey))
        }
        for engine in engines.values { try engine.cascade!.setPeers(peers) }
        self.engines = engines
        self.ids = ids
        running = Set(ids)
    }

    /// Adds a participant on `bridge` that sends audio and video.
    @discardableResult
    func join(_ name: String, on bridge: String) throws -> SyntheticParticipant {
        let participant = try SyntheticParticipant(name: name, bridge: bridge, index: participants.count)
        participants[name] = participant
        return participant
    }

    /// Installs every participant on its bridge (receiving all the others,
    /// unless `receiving` says who receives) and sends every bridge the
    /// cascade command for `links`.
    func connect(links: [(String, String)], receiving: ((SyntheticParticipant) -> Bool)? = nil) throws {
        let now = ContinuousClock.now
        for participant in participants.values.sorted(by: { $0.name < $1.name }) {
            let others = participants.values.filter { $0.name != participant.name }
            let receives = receiving.map { $0(participant) } ?? true ? others.flatMap(\.announced) : []
            try engines[participant.bridge]!.installDirectEndpoint(
                conference: Self.conference, id: participant.name, peer: participant.address, keys: participant.bridgeKeys,
                sends: participant.sources, receives: receives, now: now)
        }
        try sendCascade(links: links)
    }

    func sendCascade(links: [(String, String)], bridges: [String]? = nil) throws {
        for id in bridges ?? ids {
            let remote = participants.values.filter { $0.bridge != id }.sorted { $0.name < $1.name }.map {
                RemoteEndpoint(endpoint: $0.name, bridge: $0.bridge, audioSSRC: $0.announced[0], videoSSRC: $0.announced[1])
            }
            let command = ControlCommand.cascade(.init(conference: Self.conference, links: links.map { CascadeEdge($0.0, $0.1) },
                                                       remote: remote))
            if let error = engines[id]!.apply(command, now: .now) { throw ClusterError.refused(id, error) }
            engines[id]!.flush()
        }
    }

    /// Runs every running bridge and drains every participant for `duration`.
    func pump(for duration: Duration) {
        let end = ContinuousClock.now + duration
        repeat { pumpOnce() } while ContinuousClock.now < end
    }

    func pumpOnce() {
        let now = ContinuousClock.now
        for id in ids where running.contains(id) {
            let engine = engines[id]!
            while engine.receiveAndForward(now: now) > 0 {}
            while engine.receiveCascade(now: now) > 0 {}
            engine.tick(now: now)
        }
        for participant in participants.values { participant.drain() }
    }

    /// Pumps until `condition` holds or `limit` passes; true if it held.
    func pump(until condition: () -> Bool, limit: Duration = .seconds(5)) -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            pumpOnce()
            if condition() { return true }
        }
        return condition()
    }

    /// Each participant sends one audio and one video packet, `count` times.
    func sendMedia(rounds count: Int, pumpingEvery: Int = 8) {
        for round in 0..<count {
            for participant in participants.values { participant.sendRound() }
            if round % pumpingEvery == 0 { pumpOnce() }
        }
        pump(for: .milliseconds(200))
    }

    enum ClusterError: Error {
        case refused(String, String)
    }
}
