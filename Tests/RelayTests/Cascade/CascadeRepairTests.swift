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
            let participant = try cluster.join(name, on: bridge)
            participant.bridgeAddress = cluster.engines[bridge]!.socket.localAddress
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
