/// Typed construction of the attributes ICE uses, and decoding of their
/// values. The parser has already checked the sizes of these types, so the
/// accessors on `STUNMessage` only return nil for absent attributes.
extension STUNAttribute {
    /// USERNAME (RFC 5389 §15.3); for ICE `"<receiver ufrag>:<sender ufrag>"`.
    public static func username(_ username: String) -> STUNAttribute {
        STUNAttribute(type: .username, value: Array(username.utf8))
    }

    /// SOFTWARE (RFC 5389 §15.10).
    public static func software(_ software: String) -> STUNAttribute {
        STUNAttribute(type: .software, value: Array(software.utf8))
    }

    /// PRIORITY (RFC 8445 §7.1.1).
    public static func priority(_ priority: UInt32) -> STUNAttribute {
        STUNAttribute(type: .priority, value: bigEndianBytes(UInt64(priority), count: 4))
    }

    /// USE-CANDIDATE (RFC 8445 §7.1.2): the controlling agent nominates the pair.
    public static let useCandidate = STUNAttribute(type: .useCandidate, value: [])

    /// ICE-CONTROLLING with its tie-breaker (RFC 8445 §7.1.3).
    public static func iceControlling(_ tieBreaker: UInt64) -> STUNAttribute {
        STUNAttribute(type: .iceControlling, value: bigEndianBytes(tieBreaker, count: 8))
    }

    /// ICE-CONTROLLED with its tie-breaker (RFC 8445 §7.1.3).
    public static func iceControlled(_ tieBreaker: UInt64) -> STUNAttribute {
        STUNAttribute(type: .iceControlled, value: bigEndianBytes(tieBreaker, count: 8))
    }

    /// ERROR-CODE (RFC 5389 §15.6).
    public static func errorCode(_ error: STUNErrorCode) -> STUNAttribute {
        STUNAttribute(type: .errorCode, value: error.value)
    }

    /// UNKNOWN-ATTRIBUTES (RFC 5389 §15.9), sent with a 420.
    public static func unknownAttributes(_ types: [STUNAttributeType]) -> STUNAttribute {
        STUNAttribute(type: .unknownAttributes, value: types.flatMap { bigEndianBytes(UInt64($0.rawValue), count: 2) })
    }

    /// XOR-MAPPED-ADDRESS (RFC 5389 §15.2): the address obfuscated with the
    /// magic cookie (and, for IPv6, the transaction id) so that NATs that
    /// rewrite addresses in payloads leave it alone.
    ///
    /// ```
    ///  0                   1                   2                   3
    ///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |x x x x x x x x|    Family     |         X-Port                |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |                X-Address (Variable)
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// ```
    public static func xorMappedAddress(_ address: TransportAddress, transactionID: STUNTransactionID) -> STUNAttribute {
        let mask = xorMask(transactionID: transactionID)
        let port = address.port ^ UInt16(STUNMessage.magicCookie >> 16)
        var value: [UInt8] = [0, address.isIPv4 ? 0x01 : 0x02, UInt8(port >> 8), UInt8(port & 0xFF)]
        for (index, byte) in address.ip.enumerated() {
            value.append(byte ^ mask[index])
        }
        return STUNAttribute(type: .xorMappedAddress, value: value)
    }

    /// Decodes an XOR-MAPPED-ADDRESS value; nil for another family or size.
    public func xorMappedAddress(transactionID: STUNTransactionID) -> TransportAddress? {
        guard type == .xorMappedAddress, value.count >= 4 else { return nil }
        let addressLength = value[1] == 0x01 ? 4 : value[1] == 0x02 ? 16 : 0
        guard addressLength > 0, value.count == 4 + addressLength else { return nil }
        let mask = xorMask(transactionID: transactionID)
        let port = (UInt16(value[2]) << 8 | UInt16(value[3])) ^ UInt16(STUNMessage.magicCookie >> 16)
        let ip = (0 ..< addressLength).map { value[4 + $0] ^ mask[$0] }
        return TransportAddress(ip: ip, port: port)
    }

    /// The value as a big-endian unsigned integer (PRIORITY, tie-breakers).
    var bigEndianValue: UInt64 {
        value.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Magic cookie followed by the transaction id: the XOR key for the
    /// address bytes (IPv4 uses its first 4 bytes).
    private static func xorMask(transactionID: STUNTransactionID) -> [UInt8] {
        bigEndianBytes(UInt64(STUNMessage.magicCookie), count: 4) + transactionID.bytes
    }

    private func xorMask(transactionID: STUNTransactionID) -> [UInt8] {
        Self.xorMask(transactionID: transactionID)
    }

    static func bigEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0 ..< count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
    }
}

extension STUNMessage {
    /// USERNAME as UTF-8 text; nil when absent or not valid UTF-8.
    public var username: String? {
        guard let value = attribute(.username)?.value else { return nil }
        let invalid = transcode(value.makeIterator(), from: UTF8.self, to: UTF32.self,
                                stoppingOnError: true, into: { _ in })
        return invalid ? nil : String(decoding: value, as: UTF8.self)
    }

    public var software: String? {
        attribute(.software).map { String(decoding: $0.value, as: UTF8.self) }
    }

    public var priority: UInt32? {
        attribute(.priority).map { UInt32(truncatingIfNeeded: $0.bigEndianValue) }
    }

    public var useCandidate: Bool { attribute(.useCandidate) != nil }

    /// The ICE-CONTROLLING tie-breaker, when present.
    public var iceControlling: UInt64? { attribute(.iceControlling)?.bigEndianValue }

    /// The ICE-CONTROLLED tie-breaker, when present.
    public var iceControlled: UInt64? { attribute(.iceControlled)?.bigEndianValue }

    public var errorCode: STUNErrorCode? {
        attribute(.errorCode).flatMap { STUNErrorCode(value: $0.value) }
    }

    /// The attribute types listed in UNKNOWN-ATTRIBUTES (in a 420 response).
    public var unknownAttributes: [STUNAttributeType] {
        guard let value = attribute(.unknownAttributes)?.value else { return [] }
        return stride(from: 0, to: value.count - 1, by: 2).map {
            STUNAttributeType(rawValue: UInt16(value[$0]) << 8 | UInt16(value[$0 + 1]))
        }
    }

    public var xorMappedAddress: TransportAddress? {
        attribute(.xorMappedAddress)?.xorMappedAddress(transactionID: transactionID)
    }
}
