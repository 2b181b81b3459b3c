import Control
import Testing
@testable import Relay

/// DESIGN §2's data path through five bridges in one process: participant
/// → SRTP → bridge → sealed cascade frame → … → bridge → SRTP → participant.
/// The tree (b1–b2, b2–b3, b2–b4, b4–b5) has a transit bridge (b2) with
/// three links and a chain (b2–b4–b5).
@Suite("Cascade forwarding (5 bridges, loopback overlay)", .serialized)
struct CascadeForwardingTests {
    static let bridges = ["b1", "b2", "b3", "b4", "b5"]
    static let tree = [("b1", "b2"), ("b2", "b3"), ("b2", "b4"), ("b4", "b5")]
    static let rounds = 60

    /// Two participants per bridge, everyone receives everyone.
    private func makeCluster() throws -> CascadeTestCluster {
        let cluster = try CascadeTestCluster(bridges: Self.bridges)
        for (index, bridge) in Self.bridges.enumerated() {
            for suffix in ["a", "b"] {
                try cluster.join("p\(index + 1)\(suffix)", on: bridge)
            }
        }
        try cluster.connect(links: Self.tree)
        // Handshakes, then interest toward every origin.
        let ready = cluster.pump(until: { Self.linksUp(cluster) && Self.interestSettled(cluster) })
        #expect(ready, "links did not come up or interest did not settle")
        return cluster
    }

    static func linksUp(_ cluster: CascadeTestCluster) -> Bool {
        tree.allSatisfy { a, b in
            cluster.engines[a]!.cascade!.links[b]?.liveness.state == .up
                && cluster.engines[b]!.cascade!.links[a]?.liveness.state == .up
        }
    }

    /// Every stream has a link consumer on each link its tree path uses.
    static func interestSettled(_ cluster: CascadeTestCluster) -> Bool {
        cluster.engines.values.allSatisfy { engine in
            guard let conference = engine.conferences[CascadeTestCluster.conference],
                  let state = conference.cascade else { return false }
            return conference.endpoints.values.allSatisfy { endpoint in
                let children = state.routes.children(forOrigin: endpoint.origin ?? engine.cascade!.localId)
                return endpoint.producers.allSatisfy { $0.linkConsumers.count == children.count }
            }
        }
    }

    @Test func everyParticipantReceivesEveryStreamExactlyOnce() throws {
        let cluster = try makeCluster()
        cluster.sendMedia(rounds: Self.rounds)
        let everyone = cluster.participants.values.sorted { $0.name < $1.name }
        for receiver in everyone {
            #expect(receiver.duplicates == 0, "\(receiver.name) received duplicates")
            for sender in everyone where sender.name != receiver.name {
                // Video may have had its first packets before the keyframe path
                // mattered; with plain RTP nothing is held back: all arrive.
                #expect(receiver.receivedCount(from: sender) == [Self.rounds, Self.rounds],
                        "\(receiver.name) on \(receiver.bridge) from \(sender.name) on \(sender.bridge)")
            }
        }
    }

    @Test func eachTreeLinkCarriesEachStreamAtMostOnce() throws {
        let cluster = try makeCluster()
        cluster.sendMedia(rounds: Self.rounds)
        // copies[stream][directed link] from the link consumers' counters.
        var copies: [UInt32: [String: UInt64]] = [:]
        for (id, engine) in cluster.engines {
            for endpoint in engine.conferences[CascadeTestCluster.conference]!.endpoints.values {
                for producer in endpoint.producers {
                    for consumer in producer.linkConsumers {
                        copies[producer.source.announcedSSRC, default: [:]]["\(id)>\(consumer.link.peer)"] = consumer.packets
                    }
                }
            }
        }
        let streams = cluster.participants.values.flatMap(\.announced)
        for stream in streams {
            let perLink = copies[stream] ?? [:]
            // A tree of 5 bridges has 4 links; a stream needed on every bridge crosses each once.
            #expect(perLink.count == Self.tree.count, "stream \(stream) used \(perLink.keys.sorted())")
            for (link, count) in perLink {
                #expect(count == UInt64(Self.rounds), "stream \(stream) crossed \(link) \(count) times")
                let reverse = link.split(separator: ">").reversed().joined(separator: ">")
                #expect(perLink[reverse] == nil, "stream \(stream) crossed \(link) in both directions")
            }
        }
        // Wrong-link and hop-limit drops never happen on a consistent tree.
        for engine in cluster.engines.values {
            #expect(engine.counters.drops(.cascadeWrongLink) == 0)
            #expect(engine.counters.drops(.cascadeHops) == 0)
        }
    }

    @Test func streamStopsOnALinkWhenTheLastReceiverBehindItLeaves() throws {
        let cluster = try makeCluster()
        cluster.sendMedia(rounds: 10)
        // b5 is behind b4 (chain b2–b4–b5): both of b5's participants leave.
        let b5 = cluster.engines["b5"]!
        for name in ["p5a", "p5b"] {
            b5.remove(b5.endpoint(CascadeTestCluster.conference, name)!, event: nil)
            cluster.participants[name] = nil
        }
        let pruned = cluster.pump(until: {
            let b4 = cluster.engines["b4"]!.conferences[CascadeTestCluster.conference]!
            return b4.endpoints.values.allSatisfy { endpoint in
                endpoint.producers.allSatisfy { !$0.linkConsumers.contains { $0.link.peer == "b5" } }
            }
        })
        #expect(pruned, "b4 still forwards streams toward b5")
        let b4Toward5 = cluster.engines["b4"]!.conferences[CascadeTestCluster.conference]!.cascade!.counters["b5"]!
        let before = b4Toward5.packetsOut
        cluster.sendMedia(rounds: 20)
        #expect(b4Toward5.packetsOut == before, "media still flows on b4→b5 after its receivers left")
        // The others still receive each other.
        for receiver in cluster.participants.values {
            for sender in cluster.participants.values where sender.name != receiver.name {
                #expect(receiver.receivedCount(from: sender) == [30, 30], "\(receiver.name) from \(sender.name)")
            }
        }
    }
}

