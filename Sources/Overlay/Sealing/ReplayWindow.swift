/// The replay window of one session's receive direction: accepts each counter
/// at most once and nothing more than `size - 1` below the highest accepted.
///
/// A bitmap in the style of RFC 6479 ("IPsec Anti-Replay Algorithm without Bit
/// Shifting"): a ring of 64-bit words indexed by `counter / 64`; moving the
/// window forward only clears the words it skips, never shifts. The ring holds
/// 4,096 bits — more than the 2,048-packet window plus one word, which is what
/// RFC 6479 §2 needs so the word holding the oldest in-window counter is never
/// the one being cleared — and 64 words keep the index a mask.
///
/// Why 2,048: inter-bridge paths reorder rarely, but a burst of a 1,000-person
/// meeting's video can put several hundred packets in flight on one link;
/// 2,048 tolerates that reordering at 512 octets per session.
///
/// Usage: `check` before the tag is verified (cheap rejection, no change),
/// `commit` after (the only mutation). Not thread-safe; owned by a `LinkSession`.
struct ReplayWindow {
    static let size: UInt64 = 2_048
    private static let wordCount = 64
    private static let wordMask = UInt64(wordCount - 1)

    private var words: [UInt64]
    /// The highest counter accepted so far (0 before the first packet, whose
    /// bit is simply unset).
    private(set) var highest: UInt64 = 0

    init() {
        words = Array(repeating: 0, count: ReplayWindow.wordCount)
    }

    enum Verdict: Equatable {
        case fresh
        case replayed
        case tooOld
    }

    /// Whether `counter` would be accepted. Changes nothing.
    func check(_ counter: UInt64) -> Verdict {
        if counter > highest { return .fresh }
        if highest - counter >= ReplayWindow.size { return .tooOld }
        let word = words[Int((counter >> 6) & ReplayWindow.wordMask)]
        return word & (1 << (counter & 63)) == 0 ? .fresh : .replayed
    }

    /// Records `counter` (call only after `check` said `.fresh` and the tag verified).
    mutating func commit(_ counter: UInt64) {
        if counter > highest {
            let currentWord = highest >> 6
            let skipped = min((counter >> 6) - currentWord, UInt64(ReplayWindow.wordCount))
            var step: UInt64 = 1
            while step <= skipped {
                words[Int((currentWord + step) & ReplayWindow.wordMask)] = 0
                step += 1
            }
            highest = counter
        }
        words[Int((counter >> 6) & ReplayWindow.wordMask)] |= 1 << (counter & 63)
    }
}
