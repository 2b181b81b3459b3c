import Testing
@testable import Relay

struct RetransmissionCacheTests {
    @Test func keepsTheLastPacketsBySequenceNumberAcrossWrap() {
        let cache = RetransmissionCache(capacity: 8)
        for seq in [UInt16(65533), 65534, 65535, 0, 1] {
            let packet: [UInt8] = [0x80, 96, UInt8(seq >> 8), UInt8(seq & 0xFF)] + Array(repeating: UInt8(seq & 0xFF), count: 20)
            packet.withUnsafeBytes { cache.store($0, sequenceNumber: seq) }
        }
        #expect(cache.packet(sequenceNumber: 65534).map { Array($0) }?[4] == 0xFE)
        #expect(cache.packet(sequenceNumber: 1)?.count == 24)
        #expect(cache.packet(sequenceNumber: 2) == nil, "never stored")
        // Slot 65533 % 8 == 5 is overwritten by 13 later: an old NACK misses.
        [UInt8](repeating: 0x80, count: 12).withUnsafeBytes { cache.store($0, sequenceNumber: 13) }
        #expect(cache.packet(sequenceNumber: 65533) == nil)
        #expect(cache.packet(sequenceNumber: 13)?.count == 12)
    }

    @Test func oversizedPacketsAreNotKept() {
        let cache = RetransmissionCache(capacity: 4)
        [UInt8](repeating: 0, count: RetransmissionCache.maximumPacketSize + 1).withUnsafeBytes {
            cache.store($0, sequenceNumber: 3)
        }
        #expect(cache.packet(sequenceNumber: 3) == nil)
    }
}

struct ReceptionStatisticsTests {
    /// (sequence numbers received, expected extended highest, expected cumulative lost)
    static let cases: [([UInt16], UInt32, Int32)] = [
        ([10, 11, 12, 13], 13, 0),
        ([10, 11, 13, 14], 14, 1),
        ([10, 12, 11, 13], 13, 0),                 // reordering is not loss
        ([65534, 65535, 0, 1], 65536 + 1, 0),      // wrap adds a cycle
        ([65534, 0, 2], 65536 + 2, 2),
        ([100, 100, 101], 101, -1),                // duplicates count as received (RFC 3550 A.3)
        ([500, 20], 500, -1),                      // far behind: late and counted, not a new cycle
    ]

    @Test(arguments: cases)
    func extendedHighestAndCumulativeLost(_ received: [UInt16], _ highest: UInt32, _ lost: Int32) {
        var statistics = ReceptionStatistics()
        for seq in received { statistics.record(seq) }
        #expect(statistics.extendedHighest == highest)
        #expect(statistics.cumulativeLost == lost)
    }

    @Test func fractionLostCoversTheIntervalSinceTheLastReport() {
        var statistics = ReceptionStatistics()
        for seq in UInt16(0)..<100 { statistics.record(seq) }
        #expect(statistics.takeFractionLost() == 0)
        for seq in stride(from: UInt16(100), to: 200, by: 2) { statistics.record(seq) }
        // Highest 198: 99 expected since the last report, 50 received, 49 lost → 49·256/99 = 126.
        #expect(statistics.takeFractionLost() == 126)
        #expect(statistics.takeFractionLost() == 0, "nothing new since")
    }
}

struct KeyframeRequestLimiterTests {
    @Test func atMostOneRequestPerInterval() {
        var limiter = KeyframeRequestLimiter(interval: .seconds(1))
        let start = ContinuousClock.now
        var decisions: [Bool] = []
        for offset in [0, 10, 999, 1000, 1500] {
            decisions.append(limiter.shouldSend(at: start + .milliseconds(offset)))
        }
        #expect(decisions == [true, false, false, true, false])
    }
}
