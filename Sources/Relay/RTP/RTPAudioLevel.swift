/// The RFC 6464 client-to-mixer audio level carried in one header-extension
/// octet, used by the bridge for active-speaker detection without decoding
/// Opus.
///
/// ```
///  0 1 2 3 4 5 6 7
/// +-+-+-+-+-+-+-+-+
/// |V|    level    |      (RFC 6464 §3)
/// +-+-+-+-+-+-+-+-+
/// ```
public struct RTPAudioLevel: Sendable, Equatable, Hashable {
    /// The V bit: the sender's voice activity detector believes the packet
    /// contains speech.
    public let voiceActivity: Bool
    /// Level in -dBov, 0 (loudest) … 127 (silence).
    public let level: UInt8

    public init(voiceActivity: Bool, level: UInt8) {
        self.voiceActivity = voiceActivity
        self.level = level & 0x7F
    }

    /// Decodes the extension value's first octet.
    public init(octet: UInt8) {
        self.init(voiceActivity: octet & 0x80 != 0, level: octet & 0x7F)
    }

    /// The level in dBov: 0 … -127.
    public var dBov: Int { -Int(level) }
    /// The octet as it appears on the wire.
    public var octet: UInt8 { (voiceActivity ? 0x80 : 0) | level }
}

extension RTPPacket {
    /// The RFC 6464 audio level under the negotiated `id`, or nil when the
    /// packet has no such element or it is empty.
    public func audioLevel(id: UInt8) -> RTPAudioLevel? {
        guard let range = extensionRange(id: id), !range.isEmpty else { return nil }
        return RTPAudioLevel(octet: bytes[range.lowerBound])
    }

    /// The RFC 9143 MID value under the negotiated `id` as raw bytes (a view
    /// into the packet; compare with `elementsEqual` to avoid a String).
    public func mid(id: UInt8) -> UnsafeRawBufferPointer? {
        guard let value = extensionValue(id: id), !value.isEmpty else { return nil }
        return value
    }
}
