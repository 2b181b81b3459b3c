/// Helpers shared by the STUN, RTP and RTCP parser tests.
enum ParserTestBytes {
    /// Bytes from hex as printed in RFCs: whitespace between digits is
    /// ignored. A malformed literal is a bug in the test, so it stops the run.
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)
        precondition(digits.count % 2 == 0, "odd number of hex digits in test vector")
        return stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(digits[index ..< index + 2]), radix: 16) else {
                preconditionFailure("bad hex digits in test vector")
            }
            return byte
        }
    }

    /// A deterministic generator (SplitMix64) so random-input tests are
    /// reproducible from their seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
