import Cascade
import Control
import Testing
@testable import Relay

/// The two loop guards of DESIGN §5, each triggered on purpose: a stream
/// that arrives on a link other than the one toward its origin is dropped
/// (`cascade-wrong-link`), and so is a frame that has crossed
/// `CascadeFrame.maximumHops` links (`cascade-hops`). Neither reaches a receiver.
@Suite("Cascade loop guards", .serialized)
struct CascadeLoopGuardTests {
    /// Chain b1 – b2 – b3, one participant on each, everyone receiving everyone.
    private func makeChain() throws -> CascadeTestCluster {
        let cluster = try CascadeTestCluster(bridges: ["b1", "b2", "b3"])
        for (name, bridge) in [("p1", "b1"), ("p2", "b2"), ("p3", "b3")] {
            try cluster.join(name, on: bridge)
        }
        try cluster.connect(links: [("b1", "b2"), ("b2", "b3")])
        #expect(cluster.pump(until: {
            cluster.engines["b1"]!.cascade!.links["b2"]?.liveness.state == .up
                && cluster.engines["b3"]!.cascade!.links["b2"]?.liveness.state == .up
        }))
        return cluster
    }

    /// One RTP packet of `name`'s video, sent by its own bridge over `link`
    /// through the real frame writer and sealed session.
    private func sendVideoFrame(of name: String, from bridge: String, to peer: String, hops: UInt8,
                                in cluster: CascadeTestCluster) throws {
        let engine = cluster.engines[bridge]!
        let plane = try #require(engine.cascade)
        let link = try #require(plane.link(to: peer, now: .now))
        #expect(cluster.pump(until: { plane.registry.status(link.handle)?.state == .established }))
        let producer = try #require(engine.endpoint(CascadeTestCluster.conference, name)?.producers.first { $0.source.kind == .video })
        var packet = [UInt8](repeating: 0xAB, count: 200)
        packet[0] = 0x80
        packet[1] = 96
        packet.withUnsafeBytes {
            engine.sendStreamFrames(.media, $0, of: producer, to: [LinkConsumer(link: link, counters: ConferenceLinkCounters())],
                                    hops: hops, flags: [], now: .now)
        }
        engine.flush()
        cluster.pump(for: .milliseconds(100))
    }

    @Test func aStreamFromTheWrongLinkIsDropped() throws {
        let cluster = try makeChain()
        let b1 = cluster.engines["b1"]!, p1 = cluster.participants["p1"]!
        let before = p1.received[cluster.participants["p3"]!.announced[1]]?.count ?? 0
        // p3's stream must reach b1 through b2; b3 sends it to b1 directly.
        try sendVideoFrame(of: "p3", from: "b3", to: "b1", hops: 0, in: cluster)
        #expect(b1.counters.drops(.cascadeWrongLink) == 1)
        #expect((p1.received[cluster.participants["p3"]!.announced[1]]?.count ?? 0) == before, "the stray copy reached p1")
    }

    @Test func aFrameOverTheHopLimitIsDropped() throws {
        let cluster = try makeChain()
        let b1 = cluster.engines["b1"]!
        // The right link (b2 is p2's bridge and b1's neighbour), but a frame that already crossed 254 links.
        try sendVideoFrame(of: "p2", from: "b2", to: "b1", hops: CascadeFrame.maximumHops, in: cluster)
        #expect(b1.counters.drops(.cascadeHops) == 1)
        #expect(b1.counters.drops(.cascadeWrongLink) == 0)
        // One hop less passes.
        try sendVideoFrame(of: "p2", from: "b2", to: "b1", hops: CascadeFrame.maximumHops - 1, in: cluster)
        #expect(b1.counters.drops(.cascadeHops) == 1)
    }
}
