/// The class of a STUN message (RFC 5389 §6): what role it plays in a
/// transaction.
public enum STUNClass: UInt8, Sendable, Equatable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// A STUN method (12 bits). ICE uses only Binding.
public struct STUNMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue & 0x0FFF
    }

    /// RFC 5389 §18.1.
    public static let binding = STUNMethod(rawValue: 0x001)

    public var description: String {
        self == .binding ? "Binding" : "method 0x\(String(rawValue, radix: 16))"
    }
}

/// The 14-bit message type: method and class interleaved (RFC 5389 §6).
///
/// ```
///  0                 1
///  2  3  4 5 6 7 8 9 0 1 2 3 4 5
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
/// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct STUNMessageType: Sendable, Hashable, CustomStringConvertible {
    public var method: STUNMethod
    public var messageClass: STUNClass

    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Splits the 14-bit field (the top two bits of `rawValue` are ignored).
    public init(rawValue: UInt16) {
        let method = (rawValue & 0x000F) | ((rawValue & 0x00E0) >> 1) | ((rawValue & 0x3E00) >> 2)
        let classBits = UInt8(truncatingIfNeeded: ((rawValue >> 4) & 0x1) | ((rawValue >> 7) & 0x2))
        self.method = STUNMethod(rawValue: method)
        // Two bits can only hold the four cases.
        self.messageClass = STUNClass(rawValue: classBits) ?? .request
    }

    public var rawValue: UInt16 {
        let method = self.method.rawValue
        let classBits = UInt16(messageClass.rawValue)
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
            | ((classBits & 0x1) << 4) | ((classBits & 0x2) << 7)
    }

    public static let bindingRequest = STUNMessageType(method: .binding, messageClass: .request)
    public static let bindingIndication = STUNMessageType(method: .binding, messageClass: .indication)
    public static let bindingSuccessResponse = STUNMessageType(method: .binding, messageClass: .successResponse)
    public static let bindingErrorResponse = STUNMessageType(method: .binding, messageClass: .errorResponse)

    public var description: String { "\(method) \(messageClass)" }
}

/// The 96-bit transaction id that pairs a response with its request.
public struct STUNTransactionID: Sendable, Hashable, CustomStringConvertible {
    public static let length = 12

    /// The 12 bytes as sent.
    public let bytes: [UInt8]

    /// From exactly 12 bytes; nil otherwise.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        self.bytes = bytes
    }

    /// A fresh id from the system's cryptographic generator (RFC 5389 §6:
    /// uniformly random so that responses cannot be forged off-path).
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0 ..< length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // Exactly 12 bytes by construction.
        return STUNTransactionID(unchecked: bytes)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
