import Control
import Testing
@testable import Relay

/// Loss between bridges is repaired hop by hop (DESIGN §5): a receiver's
/// NACK that its bridge cannot answer goes one link up as a cascade NACK,
/// the upstream bridge answers from its retransmission cache, and the
/// repaired packet flows down to every receiver behind the loss.
@Suite("Cascade repair (NACK hop by hop)", .serialized)
struct CascadeRepairTests {
    @Test func aPacketLostOnALinkIsRecoveredFromTheBridgeUpstream() throws {
        // Chain b1 – b2 – b3: the sender on b1, receivers on b2 and b3.
        let cluster = try CascadeTestCluster(bridges: ["b1", "b2", "b3"])
        for (name, bridge) in [("sender", "b1"), ("middle", "b2"), ("far", "b3")] {
            try cluster.join(name, on: bridge)
        }
        try cluster.connect(links: [("b1", "b2"), ("b2", "b3")])
        let sender = cluster.participants["sender"]!, far = cluster.participants["far"]!
        let video = sender.announced[1]
        let b2 = cluster.engines["b2"]!
        func b2Forwards() -> Bool {
            b2.conferences[CascadeTestCluster.conference]?.producersByAnnouncedSSRC[video]?.linkConsumers.count == 1
        }
        #expect(cluster.pump(until: b2Forwards), "b2 never got b3's interest in the video")
        cluster.sendMedia(rounds: 5)
        #expect(far.received[video]?.count == 5)

        // The next video packet is lost between b1 and b2: b1 keeps it in its
        // cache but its link copy is suppressed for this one packet.
        let b1Producer = cluster.engines["b1"]!.conferences[CascadeTestCluster.conference]!.producersByAnnouncedSSRC[video]!
        let saved = b1Producer.linkConsumers
        b1Producer.linkConsumers = []
        sender.sendRound()
        cluster.pump(for: .milliseconds(100))
        b1Producer.linkConsumers = saved
        cluster.sendMedia(rounds: 2)
        let missing = try #require((0..<8).map(UInt16.init).first { far.received[video]?.contains($0) != true })
        #expect(missing == 5 && far.received[video]?.count == 7, "exactly the suppressed packet is missing")

        // The far receiver NACKs it; neither b3 nor b2 has it: b2 asks b1.
        try far.sendNACK(mediaSSRC: video, lost: [missing])
        let repaired = cluster.pump(until: { far.received[video]?.contains(missing) == true })
        #expect(repaired, "the NACKed packet never arrived")
        #expect(cluster.participants["middle"]!.received[video]?.contains(missing) == true,
                "the repair also reached the receiver on the bridge in between")
        #expect(cluster.engines["b1"]!.counters.retransmissions >= 1, "b1 answered from its cache")
        #expect(far.duplicates == 0)
    }
}

/// Interest larger than one datagram (more than 128 participants' streams
/// behind one link) travels in chunks and is applied whole.
@Suite("Cascade interest for large meetings", .serialized)
struct CascadeLargeInterestTests {
    @Test func aReceiverBehindALinkGetsTheStreamsOf140Senders() throws {
        let cluster = try CascadeTestCluster(bridges: ["b1", "b2"])
        let listener = try cluster.join("listener", on: "b1")
        for index in 0..<140 {
            try cluster.join(String(format: "s%03d", index), on: "b2")
        }
        // Only the listener receives: 140 senders each receiving 139 others
        // would make b2's local fan-out the test instead of the interest.
        try cluster.connect(links: [("b1", "b2")], receiving: { $0.name == "listener" })
        let b2 = cluster.engines["b2"]!.conferences[CascadeTestCluster.conference]!
        // 280 SSRCs wanted by b1: two interest chunks.
        let settled = cluster.pump(until: {
            b2.endpoints.values.filter { $0.origin == nil }.allSatisfy { endpoint in
                endpoint.producers.allSatisfy { $0.linkConsumers.count == 1 }
            }
        })
        #expect(settled, "b2 does not forward every stream to b1")
        #expect(b2.cascade!.interestFrom["b1"]?.count == 280)
        let senders = cluster.participants.values.filter { $0.name != "listener" }
        for sender in senders {
            sender.sendRound()
            cluster.pumpOnce()
        }
        func complete() -> [SyntheticParticipant] { senders.filter { listener.receivedCount(from: $0) == [1, 1] } }
        _ = cluster.pump(until: { complete().count == 140 })
        let complete = complete()
        #expect(complete.count == 140, "the listener got both streams of \(complete.count) of 140 senders")
    }
}
