/// One element of an RFC 8285 header extension: its local id and where its
/// value sits in the packet.
public struct RTPHeaderExtensionElement: Sendable, Equatable {
    /// The id negotiated with `a=extmap` (1–14 one-byte, 1–255 two-byte).
    public let id: UInt8
    /// The value's bytes within the packet buffer.
    public let range: Range<Int>
}

/// The elements of a packet's RFC 8285 header extension, in wire order,
/// walked lazily so that a lookup allocates nothing.
///
/// One-byte form (§4.2), profile 0xBEDE; L is the value length minus one:
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       0xBE    |    0xDE       |           length=3            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          data                                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Two-byte form (§4.3), profile 0x100 followed by 4 application bits; the
/// length octet is the value length itself (0 allowed):
/// ```
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       0x10    |    0x00       |           length=3            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      ID       |     L=0       |     ID        |     L=1       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       data    |    0 (pad)    |       ID      |      L=4      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          data                                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Id 0 is a one-octet padding byte in both forms. In the one-byte form id 15
/// ends processing of the whole extension (§4.2). An element whose value would
/// run past the extension block also ends the walk: the elements before it
/// are still reported, nothing after it is trusted.
///
/// Like `RTPPacket`, this borrows the packet's buffer.
public struct RTPHeaderExtensions: Sequence {
    /// Which RFC 8285 form the block uses; nil when the packet has no header
    /// extension or one with another profile (elements are then empty).
    public enum Form: Sendable, Equatable {
        case oneByte
        case twoByte
    }

    let bytes: UnsafeRawBufferPointer
    let dataRange: Range<Int>
    public let form: Form?

    init(bytes: UnsafeRawBufferPointer, profile: UInt16?, dataRange: Range<Int>?) {
        self.bytes = bytes
        self.dataRange = dataRange ?? 0 ..< 0
        switch profile {
        case 0xBEDE?: form = .oneByte
        case let profile? where profile & 0xFFF0 == 0x1000: form = .twoByte
        default: form = nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(bytes: bytes, position: dataRange.lowerBound, end: form == nil ? dataRange.lowerBound : dataRange.upperBound, form: form ?? .oneByte)
    }

    public struct Iterator: IteratorProtocol {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        var end: Int
        let form: Form

        public mutating func next() -> RTPHeaderExtensionElement? {
            while position < end {
                let first = bytes[position]
                // A padding octet: id 0 (in the one-byte form its length
                // nibble is ignored too, as libwebrtc does).
                if first == 0 || (form == .oneByte && first >> 4 == 0) {
                    position += 1
                    continue
                }
                let id: UInt8
                let valueStart: Int
                let length: Int
                switch form {
                case .oneByte:
                    id = first >> 4
                    guard id != 15 else {
                        position = end
                        return nil
                    }
                    length = Int(first & 0x0F) + 1
                    valueStart = position + 1
                case .twoByte:
                    guard position + 1 < end else {
                        position = end
                        return nil
                    }
                    id = first
                    length = Int(bytes[position + 1])
                    valueStart = position + 2
                }
                let valueEnd = valueStart + length
                guard valueEnd <= end else {
                    position = end
                    return nil
                }
                position = valueEnd
                return RTPHeaderExtensionElement(id: id, range: valueStart ..< valueEnd)
            }
            return nil
        }
    }
}

extension RTPPacket {
    /// The RFC 8285 elements of this packet's header extension.
    public var headerExtensions: RTPHeaderExtensions {
        RTPHeaderExtensions(bytes: bytes, profile: extensionProfile, dataRange: extensionDataRange)
    }

    /// Where the value of the first element with `id` sits in `bytes`, or nil
    /// when the packet carries no such element. Allocates nothing.
    public func extensionRange(id: UInt8) -> Range<Int>? {
        guard id != 0 else { return nil }
        for element in headerExtensions where element.id == id {
            return element.range
        }
        return nil
    }

    /// The value of the first element with `id`, as a view into `bytes`.
    public func extensionValue(id: UInt8) -> UnsafeRawBufferPointer? {
        guard let range = extensionRange(id: id) else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[range])
    }
}
