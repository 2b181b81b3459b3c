/// FINGERPRINT (RFC 5389 §15.5): CRC-32 of the message up to the attribute,
/// XOR 0x5354554e. It lets an agent tell STUN from other protocols sharing
/// the port; it authenticates nothing.
///
/// The CRC is the ISO-HDLC CRC-32 of zlib and Ethernet (reflected polynomial
/// 0xEDB88320, initial value and final XOR 0xFFFFFFFF), table-driven here so
/// that the Relay target needs no zlib.
public enum STUNFingerprint {
    /// "STUN" in ASCII, XORed into the CRC so that a message that merely
    /// embeds a valid CRC-32 of another protocol does not pass.
    public static let xorValue: UInt32 = 0x5354_554E

    /// The FINGERPRINT value for `message` (header length field already set
    /// to include the FINGERPRINT attribute).
    public static func value(of message: some Sequence<UInt8>) -> UInt32 {
        crc32(message) ^ xorValue
    }

    /// ISO-HDLC CRC-32.
    public static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// One entry per byte value: the CRC of that byte shifted through the
    /// reflected polynomial eight times.
    private static let table: [UInt32] = (0 ..< 256).map { index in
        var entry = UInt32(index)
        for _ in 0 ..< 8 {
            entry = entry & 1 != 0 ? 0xEDB8_8320 ^ (entry >> 1) : entry >> 1
        }
        return entry
    }
}

extension STUNMessage {
    /// Whether the received datagram's FINGERPRINT matches; false when it
    /// has none.
    public func verifyFingerprint() -> Bool {
        guard let offset = fingerprintOffset else { return false }
        var covered = Array(received[0 ..< offset])
        Self.setLength(&covered, attributeBytes: offset - Self.headerLength + 8)
        let stored = received[(offset + 4) ..< (offset + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return STUNFingerprint.value(of: covered) == stored
    }
}
