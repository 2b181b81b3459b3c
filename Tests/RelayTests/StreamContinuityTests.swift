import Testing
@testable import Relay

/// Table tests of sequence and timestamp rewriting (DESIGN §7): one
/// receiver's numbering of an announced stream across changes of source.
@Suite("Stream continuity")
struct StreamContinuityTests {
    /// (source generation, incoming sequence, incoming timestamp) → expected (sequence, timestamp) out.
    static let steps: [(UInt64, UInt16, UInt32, UInt16, UInt32)] = [
        (1, 100, 5_000, 100, 5_000),          // the first source passes unchanged
        (1, 101, 5_960, 101, 5_960),
        (1, 103, 7_880, 103, 7_880),          // a gap stays a gap (the receiver NACKs 102)
        (1, 102, 6_920, 102, 6_920),          // late packet: same offset, not "newer"
        (2, 40_000, 123, 104, 8_840),         // a new source continues after 103 / 7,880 + one frame (960)
        (2, 40_001, 1_083, 105, 9_800),
    ]

    @Test func aNewSourceContinuesWhereTheOldOneStopped() {
        let continuity = StreamContinuity()
        for (index, (source, sequence, timestamp, expectedSequence, expectedTimestamp)) in Self.steps.enumerated() {
            let (outSequence, outTimestamp) = continuity.map(sequence: sequence, timestamp: timestamp, source: source,
                                                             timestampStep: 960)
            #expect(outSequence == expectedSequence, "step \(index)")
            #expect(outTimestamp == expectedTimestamp, "step \(index)")
        }
    }

    @Test func wrapAroundIsContinuous() {
        let continuity = StreamContinuity()
        _ = continuity.map(sequence: 65_534, timestamp: UInt32.max - 100, source: 7, timestampStep: 3_000)
        _ = continuity.map(sequence: 65_535, timestamp: UInt32.max, source: 7, timestampStep: 3_000)
        let (sequence, timestamp) = continuity.map(sequence: 9, timestamp: 42, source: 8, timestampStep: 3_000)
        #expect(sequence == 0, "65,535 + 1 wraps to 0")
        #expect(timestamp == 2_999, "UInt32.max + 3,000 wraps")
        #expect(StreamContinuity.isNewer(0, than: 65_535))
        #expect(!StreamContinuity.isNewer(65_535, than: 0))
    }

    @Test func nacksMapBackToTheCurrentSourcesNumbering() {
        let continuity = StreamContinuity()
        _ = continuity.map(sequence: 500, timestamp: 0, source: 1, timestampStep: 960)
        _ = continuity.map(sequence: 20, timestamp: 0, source: 2, timestampStep: 960)   // out: 501
        #expect(continuity.unmap(sequence: 501) == 20)
        #expect(continuity.unmap(sequence: 505) == 24)
    }
}
