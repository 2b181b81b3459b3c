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
    }

    /// Adds a participant on `bridge` that sends audio and video.
    @discardableResult
    func join(_ name: String, on bridge: String) throws -> SyntheticParticipant {
        let participant = try SyntheticParticipant(name: name, bridge: bridge, index: participants.count,
                                                   bridgeAddress: engines[bridge]!.socket.localAddress)
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

    func sendCascade(links: [(String, String)]) throws {
        for id in ids {
            let remote = participants.values.filter { $0.bridge != id }.sorted { $0.name < $1.name }.map {
                RemoteEndpoint(endpoint: $0.name, bridge: $0.bridge, audioSSRC: $0.announced[0], videoSSRC: $0.announced[1])
            }
            let command = ControlCommand.cascade(.init(conference: Self.conference, links: links.map { CascadeEdge($0.0, $0.1) },
                                                       remote: remote))
            if let error = engines[id]!.apply(command, now: .now) { throw ClusterError.refused(id, error) }
            engines[id]!.flush()
        }
    }

    /// Runs every bridge and drains every participant for `duration`.
    func pump(for duration: Duration) {
        let end = ContinuousClock.now + duration
        repeat { pumpOnce() } while ContinuousClock.now < end
    }

    /// One pass over every socket; returns how many datagrams it read.
    @discardableResult
    func pumpOnce() -> Int {
        let now = ContinuousClock.now
        var read = 0
        for id in ids {
            let engine = engines[id]!
            while case let count = engine.receiveAndForward(now: now), count > 0 { read += count }
            while case let count = engine.receiveCascade(now: now), count > 0 { read += count }
            engine.tick(now: now)
        }
        for participant in participants.values { read += participant.drain() }
        return read
    }

    /// Pumps until three passes in a row read nothing: on loopback a sent
    /// datagram is already in its receiver's buffer, so an empty pass means
    /// everything sent so far has been handled, however slowly this thread
    /// was scheduled (bounded by `limit`).
    func pumpUntilQuiet(limit: Duration = .seconds(10)) {
        let end = ContinuousClock.now + limit
        var quiet = 0
        while quiet < 3, ContinuousClock.now < end { quiet = pumpOnce() == 0 ? quiet + 1 : 0 }
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
        pumpUntilQuiet()
    }

    enum ClusterError: Error {
        case refused(String, String)
    }
}
