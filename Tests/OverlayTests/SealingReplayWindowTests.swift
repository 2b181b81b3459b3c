import Testing
@testable import Overlay

/// The 2,048-packet replay window (RFC 6479-style ring bitmap).
@Suite struct SealingReplayWindowTests {
    /// Feeds counters in order; each row says what `check` must answer.
    /// Fresh counters are committed, as the registry does after a good tag.
    private func run(_ steps: [(UInt64, ReplayWindow.Verdict)], sourceLocation: SourceLocation = #_sourceLocation) {
        var window = ReplayWindow()
        for (counter, expected) in steps {
            let verdict = window.check(counter)
            #expect(verdict == expected, "counter \(counter)", sourceLocation: sourceLocation)
            if verdict == .fresh { window.commit(counter) }
        }
    }

    @Test func firstPacketCounterZeroIsAcceptedOnce() {
        run([(0, .fresh), (0, .replayed), (1, .fresh), (0, .replayed)])
    }

    @Test func reorderingWithinWindowIsAcceptedOnce() {
        run([(10, .fresh), (5, .fresh), (7, .fresh), (5, .replayed), (10, .replayed), (9, .fresh), (11, .fresh)])
    }

    @Test func boundaryIsExactly2048BelowHighest() {
        // highest 3,000: 953 is 2,047 below (inside), 952 is 2,048 below (outside).
        run([(3_000, .fresh), (953, .fresh), (952, .tooOld), (953, .replayed), (0, .tooOld)])
    }

    @Test func largeJumpForgetsEverythingBehindTheWindow() {
        run([(1, .fresh), (2, .fresh), (1_000_000, .fresh), (2, .tooOld),
             (1_000_000 - 2_047, .fresh), (1_000_000 - 2_048, .tooOld), (1_000_000, .replayed)])
    }

    @Test func ringWordsReusedAfterWrapStartClean() {
        // Fill words 0...63 of the ring, then move exactly one ring length ahead:
        // every counter in the new window must read fresh, not see stale bits.
        var window = ReplayWindow()
        for counter in UInt64(0)..<4_096 { window.commit(counter) }
        window.commit(4_096 + 4_096)
        for counter in UInt64(4_096 + 4_096 - 2_047)..<(4_096 + 4_096) {
            #expect(window.check(counter) == .fresh, "counter \(counter)")
        }
    }

    @Test func randomTrafficMatchesReferenceModel() {
        // Reference: the set of accepted counters and the highest; a counter is
        // fresh iff above highest, or within 2,047 below it and not in the set.
        var generator = SystemRandomNumberGenerator()
        var window = ReplayWindow()
        var accepted: Set<UInt64> = []
        var highest: UInt64 = 0
        var base: UInt64 = 0
        for _ in 0..<50_000 {
            let roll = UInt64.random(in: 0..<100, using: &generator)
            if roll < 3 { base += UInt64.random(in: 0..<10_000, using: &generator) }
            let counter = base + UInt64.random(in: 0..<3_000, using: &generator)
            let expected: ReplayWindow.Verdict
            if counter > highest || (accepted.isEmpty && counter == 0) {
                expected = accepted.contains(counter) ? .replayed : .fresh
            } else if highest - counter >= ReplayWindow.size {
                expected = .tooOld
            } else {
                expected = accepted.contains(counter) ? .replayed : .fresh
            }
            let verdict = window.check(counter)
            #expect(verdict == expected, "counter \(counter), highest \(highest)")
            if verdict != expected { return }
            if verdict == .fresh {
                window.commit(counter)
                accepted.insert(counter)
                highest = max(highest, counter)
            }
        }
    }
}
