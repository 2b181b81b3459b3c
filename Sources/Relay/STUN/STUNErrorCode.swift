/// The ERROR-CODE attribute (RFC 5389 §15.6): a 3-digit code and a reason.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Reserved, should be 0         |Class|     Number    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      Reason Phrase (variable)                                ..
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Class is the hundreds digit (3–6), Number the rest (0–99).
public struct STUNErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// 300–699.
    public let code: Int
    /// Human-readable, at most 127 characters (RFC 5389 §15.6).
    public let reason: String

    /// Nil unless `code` is within 300–699.
    public init?(code: Int, reason: String) {
        guard (300 ... 699).contains(code) else { return nil }
        self.code = code
        self.reason = String(reason.prefix(127))
    }

    private init(known code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let badRequest = STUNErrorCode(known: 400, reason: "Bad Request")
    public static let unauthorized = STUNErrorCode(known: 401, reason: "Unauthorized")
    public static let unknownAttribute = STUNErrorCode(known: 420, reason: "Unknown Attribute")
    public static let roleConflict = STUNErrorCode(known: 487, reason: "Role Conflict")

    /// The attribute value.
    var value: [UInt8] {
        [0, 0, UInt8(code / 100), UInt8(code % 100)] + Array(reason.utf8)
    }

    /// Decodes an attribute value; nil if it is shorter than 4 bytes or the
    /// class/number are out of range.
    init?(value: [UInt8]) {
        guard value.count >= 4 else { return nil }
        let errorClass = Int(value[2] & 0x07)
        let number = Int(value[3])
        guard (3 ... 6).contains(errorClass), number < 100 else { return nil }
        self.code = errorClass * 100 + number
        self.reason = String(decoding: value[4...], as: UTF8.self)
    }

    public var description: String { "\(code) \(reason)" }
}
