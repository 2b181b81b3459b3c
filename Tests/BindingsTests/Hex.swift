/// Bytes from a hex string as printed in RFCs and drafts: whitespace and
/// newlines between digits are ignored. Test-only; a malformed vector is a
/// bug in the test, so it stops the test run loudly.
func hex(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)
    precondition(digits.count % 2 == 0, "odd number of hex digits in test vector")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        guard let byte = UInt8(String(digits[index ..< index + 2]), radix: 16) else {
            preconditionFailure("bad hex digits in test vector: \(digits[index])\(digits[index + 1])")
        }
        return byte
    }
}

/// Lower-case hex of `bytes`, for readable expectation failures.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
