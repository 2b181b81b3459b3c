import Foundation
import Glibc
@testable import Overlay
import Testing
import Topology

/// The issue's sealed-channel tests over the real overlay: three bridges in
/// three namespaces run `meridian overlay up` (the real binary, wireguard-go
/// where the kernel has no WireGuard), then bridge a streams 10,000 sealed
/// datagrams to bridge b's cascade port over their overlay addresses, and —
/// in the second test — a fourth namespace attacks b while the stream runs.
///
/// Figures are printed (`sealed stream a→b: …`, `attacker: …`) so a CI log
/// shows what was measured, not just that it passed.
@Suite("Sealed channel over the WireGuard overlay", .serialized)
struct NetnsSealedChannelTests {
    static let datagrams = 10_000
    static let window = 64
    static let rate = 5_000.0
    static let attackerAddress = IPAddress("192.168.77.66")!

    @Test func tenThousandSealedDatagramsCrossTheWireGuardOverlayIntactAndInOrder() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip, .wireguardGo, .wg])
        try NetnsLab.with { lab in
            let mesh = try Self.overlay(in: lab)
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            let (a, b) = try Self.cascadeEnds(mesh)
            let transcript = try establishSealedLink(initiator: a, responder: b)
            let handshakesBefore = b.registry.counters.handshakesCompleted
            let wgBefore = (a: try mesh.transfer("a", peer: "b"), b: try mesh.transfer("b", peer: "a"))

            let run = Self.stream(from: a, to: b, transcript: transcript, attacker: nil)
            let figures = run.figures
            print("sealed stream a→b: \(figures)")
            Self.expectIntact(run)
            try Self.expectThroughWireGuard(mesh, before: wgBefore, figures: figures)
            #expect(b.registry.counters.dropped == 0, "nothing but the stream reached b: \(b.registry.counters)")
            #expect(b.registry.counters.handshakesCompleted == handshakesBefore, "one session carried the whole stream")
        }
    }

    @Test func attackerNamespaceInjectionsAreRejectedAndCountedByReasonWhileTheStreamIsUnaffected() throws {
        try NetnsLab.skipUnlessAvailable(needs: [.ip, .wireguardGo, .wg])
        try NetnsLab.with { lab in
            let mesh = try Self.overlay(in: lab)
            defer { try? FileManager.default.removeItem(at: mesh.directory) }
            let attackerNamespace = try mesh.addAttacker(address: Self.attackerAddress, routingOverlayTo: "b")
            let target = mesh.fixture.topology.bridges.first { $0.id == "b" }!.overlay
            let route = try lab.check(["ip", "route", "get", "\(target.host)"], in: attackerNamespace).stdout
            #expect(route.contains("dev eth0"), "the attacker reaches b's overlay address over the underlay: \(route)")
            let source = SocketAddress(host: Self.attackerAddress, port: 0)
            let attackerSocket = try NetnsLab.inside(attackerNamespace) { try NetnsUDPSocket(binding: source) }

            let (a, b) = try Self.cascadeEnds(mesh)
            let transcript = try establishSealedLink(initiator: a, responder: b)
            let baseline = b.registry.counters
            let handshakesBefore = baseline.handshakesCompleted
            let keyBefore = b.registry.status(b.peer)?.inboundKeyId
            let wgBefore = (a: try mesh.transfer("a", peer: "b"), b: try mesh.transfer("b", peer: "a"))

            let run = Self.stream(from: a, to: b, transcript: transcript) { board in
                SealedStreamAttacker(socket: attackerSocket, target: target,
                                     victim: ("b", mesh.fixture.node("b").keys.cascade.publicKey),
                                     impersonated: mesh.fixture.node("a").keys.cascade.publicKey,
                                     transcript: transcript, board: board)
            }
            let figures = run.figures
            print("sealed stream a→b under attack: \(figures)")
            Self.expectIntact(run)
            try Self.expectThroughWireGuard(mesh, before: wgBefore, figures: figures)

            let attacker = try #require(run.attacker)
            #expect(attacker.failure == nil, "\(attacker.failure ?? "")")
            let verdict = AttackVerdict(sent: attacker.sent, observed: run.receiver.observations)
            print("attacker: \(verdict)")
            #expect(verdict.accepted.isEmpty, "attacker datagrams b did not drop: \(verdict.accepted.prefix(5))")
            #expect(verdict.wrongReason.isEmpty, "dropped for the wrong reason: \(verdict.wrongReason.prefix(10))")
            #expect(verdict.lost == 0, "\(verdict.lost) injected datagrams never reached b's socket")
            #expect(verdict.unmatched == 0, "\(verdict.unmatched) datagrams from the attacker's address it did not send")
            #expect(run.receiver.strays.isEmpty, "datagrams from unexpected sources: \(run.receiver.strays.prefix(5))")
            for kind in Injection.Kind.allCases {
                #expect(verdict.injected[kind, default: 0] > 0, "the attacker sent no \(kind.rawValue) datagrams")
            }
            // Every rejection is counted by b's registry, under its reason, and
            // nothing else was (the baseline is whatever the handshake left: nothing).
            let counters = b.registry.counters
            #expect(baseline.dropped == 0, "drops during the handshake: \(baseline)")
            for reason in SealDropReason.allCases {
                let counted = counters[reason] - baseline[reason]
                #expect(counted == UInt64(verdict.expectedByReason[reason, default: 0]),
                        "b counted \(counted) \(reason), the attacker's datagrams account for \(verdict.expectedByReason[reason, default: 0])")
            }
            #expect(counters.dropped - baseline.dropped == UInt64(attacker.sent.count))
            for reason: SealDropReason in [.truncated, .malformed, .unknownSender, .unknownKey, .authenticationFailed,
                                           .replayed, .replayedHandshake, .unexpectedHandshake] {
                #expect(verdict.expectedByReason[reason, default: 0] > 0, "no injection exercised \(reason)")
            }
            // No state moved: the session a set up is still the one in use.
            #expect(counters.handshakesCompleted == handshakesBefore)
            #expect(b.registry.status(b.peer)?.inboundKeyId == keyBefore)
        }
    }

    // MARK: - Stage

    /// The three-bridge mesh with `meridian overlay up` run in each namespace.
    static func overlay(in lab: NetnsLab) throws -> NetnsOverlayMesh {
        let mesh = try NetnsOverlayMesh.build(in: lab)
        for id in ["a", "b", "c"] {
            let output = try mesh.up(id)
            try #require(output.status == 0, "overlay up \(id): \(output)")
        }
        return mesh
    }

    /// a's and b's cascade sockets on their overlay addresses and cascade
    /// ports (`bridges.X.overlay`), with registries from the topology and
    /// their key files.
    static func cascadeEnds(_ mesh: NetnsOverlayMesh) throws -> (SealedLinkEnd, SealedLinkEnd) {
        let topology = mesh.fixture.topology
        func end(_ id: String, peer: String) throws -> SealedLinkEnd {
            let local = topology.bridges.first { $0.id == id }!.overlay
            let socket = try NetnsLab.inside(mesh.namespace(id)) { try NetnsUDPSocket(binding: local) }
            try socket.forceReceiveBuffer(bytes: 32 << 20)
            let registry = try SealRegistry(topology: topology, keys: mesh.fixture.node(id).keys)
            return try SealedLinkEnd(registry: registry, socket: socket, peerId: peer,
                                     peerAddress: topology.bridges.first { $0.id == peer }!.overlay)
        }
        return (try end("a", peer: "b"), try end("b", peer: "a"))
    }

    struct StreamRun {
        var sender: SealedStreamSender
        var receiver: SealedStreamReceiver
        var attacker: SealedStreamAttacker?
        var figures: SealedStreamFigures
    }

    /// Runs sender, receiver and (if any) attacker on their own threads until all stop.
    static func stream(from a: SealedLinkEnd, to b: SealedLinkEnd, transcript: SealedHandshakeTranscript,
                       attacker makeAttacker: ((SealedTrafficBoard) -> SealedStreamAttacker)?) -> StreamRun {
        let board = SealedTrafficBoard()
        let payloads = SealedStreamPayloads(seed: UInt64.random(in: 0...UInt64.max))
        let attacker = makeAttacker?(board)
        let sender = SealedStreamSender(end: a, payloads: payloads, count: datagrams, window: window, rate: rate,
                                        decoyEvery: attacker == nil ? nil : 100, board: board)
        let receiver = SealedStreamReceiver(end: b, count: datagrams, attackerHost: attacker == nil ? nil : attackerAddress,
                                            board: board, handshake: transcript)
        var threads: [@Sendable () -> Void] = [{ sender.run() }, { receiver.run() }]
        if let attacker { threads.append { attacker.run() } }
        runOnThreads(threads)
        print("payload seed \(String(payloads.seed, radix: 16))")
        return StreamRun(sender: sender, receiver: receiver, attacker: attacker,
                         figures: SealedStreamFigures(sender: sender, receiver: receiver, payloads: payloads))
    }

    // MARK: - Expectations

    /// All datagrams arrived, once, unaltered, none rejected, none reordered
    /// beyond the replay window.
    static func expectIntact(_ run: StreamRun, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let figures = run.figures
        #expect(run.sender.failure == nil, "\(run.sender.failure ?? "")", sourceLocation: sourceLocation)
        #expect(run.receiver.failure == nil, "\(run.receiver.failure ?? "")", sourceLocation: sourceLocation)
        #expect(figures.sent == datagrams, sourceLocation: sourceLocation)
        #expect(figures.received == datagrams, "\(figures)", sourceLocation: sourceLocation)
        #expect(figures.missing == 0 && figures.duplicated == 0 && figures.unknown == 0, "\(figures)", sourceLocation: sourceLocation)
        #expect(figures.altered == 0, "\(figures)", sourceLocation: sourceLocation)
        #expect(run.receiver.streamDrops.isEmpty, "stream datagrams b refused: \(run.receiver.streamDrops)", sourceLocation: sourceLocation)
        #expect(figures.maxDisplacement < ReplayWindow.size, "\(figures)", sourceLocation: sourceLocation)
        #expect(run.sender.drops.isEmpty, "acknowledgements a refused: \(run.sender.drops)", sourceLocation: sourceLocation)
        #expect(run.sender.acknowledged == datagrams, "b acknowledged \(run.sender.acknowledged)", sourceLocation: sourceLocation)
    }

    /// `wg show … transfer`: a sent to b and b received from a at least the
    /// stream's octets plus their IPv4 and UDP headers, so the sealed
    /// datagrams went through WireGuard, not around it.
    static func expectThroughWireGuard(_ mesh: NetnsOverlayMesh,
                                       before: (a: (received: UInt64, sent: UInt64), b: (received: UInt64, sent: UInt64)),
                                       figures: SealedStreamFigures, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let after = (a: try mesh.transfer("a", peer: "b"), b: try mesh.transfer("b", peer: "a"))
        let floor = UInt64(figures.sealedOctets + figures.sent * 28)
        let sent = after.a.sent >= before.a.sent ? after.a.sent - before.a.sent : 0
        let received = after.b.received >= before.b.received ? after.b.received - before.b.received : 0
        print("wg transfer during the stream: a→b sent \(sent), b←a received \(received), stream with IP/UDP headers \(floor)")
        #expect(sent >= floor, "a's WireGuard sent \(sent) octets to b, the stream alone was \(floor)", sourceLocation: sourceLocation)
        #expect(received >= floor, "b's WireGuard received \(received) octets from a, the stream alone was \(floor)", sourceLocation: sourceLocation)
    }
}

/// The attacker's datagrams as b saw them, matched to what it sent (by their
/// octets), each with the reason b must have dropped it for.
struct AttackVerdict: CustomStringConvertible {
    var injected: [Injection.Kind: Int] = [:]
    var expectedByReason: [SealDropReason: Int] = [:]
    var accepted: [String] = []
    var wrongReason: [String] = []
    var lost = 0
    var unmatched = 0

    init(sent: [Injection], observed: [SealedStreamReceiver.Observation]) {
        var pending: [[UInt8]: [Int]] = [:]
        for (index, injection) in sent.enumerated() {
            pending[injection.wire, default: []].append(index)
            injected[injection.kind, default: 0] += 1
        }
        for observation in observed {
            guard let index = pending[observation.wire]?.popLast() else {
                unmatched += 1
                continue
            }
            let injection = sent[index]
            let expected = injection.expectedReason(highestAccepted: observation.highestAccepted,
                                                    counterAccepted: observation.counterAccepted)
            expectedByReason[expected, default: 0] += 1
            switch observation.result {
            case .dropped(let reason) where reason == expected:
                break
            case .dropped(let reason):
                wrongReason.append("\(injection.kind.rawValue) \(injection.what): \(reason), expected \(expected)")
            case .payload, .handshake:
                accepted.append("\(injection.kind.rawValue) \(injection.what): \(observation.result)")
            }
        }
        lost = pending.values.reduce(0) { $0 + $1.count }
    }

    var description: String {
        let kinds = Injection.Kind.allCases.map { "\($0.rawValue) \(injected[$0, default: 0])" }.joined(separator: ", ")
        let reasons = SealDropReason.allCases.compactMap { reason in
            expectedByReason[reason].map { "\(reason) \($0)" }
        }.joined(separator: ", ")
        return "\(injected.values.reduce(0, +)) injected (\(kinds)); rejected by reason: \(reasons); "
            + "\(accepted.count) accepted, \(wrongReason.count) for another reason, \(lost) lost"
    }
}
