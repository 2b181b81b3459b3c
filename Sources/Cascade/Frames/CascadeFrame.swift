#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One inter-bridge frame (DESIGN §5), the plaintext inside a sealed
/// envelope. Byte diagram in `Sources/Cascade/README.md`.
///
/// A fixed 8-octet header, three length-prefixed names (conference, origin
/// bridge, source endpoint), then the body: an RTP packet, an RTCP sender
/// report, or a link message. Names rather than numeric ids: bridges need no
/// shared id table, and a conference name is at most 64 octets, small next
/// to a 1,100-octet video packet.
///
/// Parsing never traps and never allocates: it returns ranges into the
/// caller's buffer. Everything about the *meaning* of a frame (is this the
/// right link for that origin, is the hop count sane) is checked by the
/// bridge that receives it.
public struct CascadeFrame: Sendable, Equatable {
    public static let version: UInt8 = 1
    public static let fixedHeaderSize = 8
    /// A frame that has crossed this many links is dropped: a loop guard
    /// behind the wrong-link check (which alone already makes loops
    /// impossible while all bridges agree on the links). A route is at most
    /// one link shorter than the conference has bridges, so every conference
    /// of up to 255 bridges fits — whatever the tree's shape (a max-fanout 2
    /// tree is a single path).
    public static let maximumHops: UInt8 = 254

    public enum Kind: UInt8, Sendable {
        /// An RTP packet, SSRC already the announced one, unencrypted
        /// (the envelope seals it).
        case media = 1
        /// An RTCP sender report of a stream, translated to its announced SSRC.
        case senderReport = 2
        /// The announced SSRCs the sending bridge wants from the receiving one.
        case interest = 3
        /// Keyframe wanted for one stream (travels toward its origin).
        case keyframeRequest = 4
        /// Sequence numbers of one stream the sending bridge is missing.
        case nack = 5
        case ping = 6
        case pong = 7
        /// The sending bridge is shutting the link down.
        case bye = 8
    }

    public enum MediaKind: UInt8, Sendable {
        case none = 0
        case audio = 1
        case video = 2
    }

    public struct Flags: OptionSet, Sendable, Equatable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A media frame that answers a NACK: the receiver already forwarded
        /// it if it had it, so a duplicate is dropped.
        public static let retransmission = Flags(rawValue: 1)
    }

    public var kind: Kind
    public var hops: UInt8
    public var flags: Flags
    public var mediaKind: MediaKind
    public var conference: Range<Int>
    public var origin: Range<Int>
    public var source: Range<Int>
    public var body: Range<Int>

    /// Reads the header of `frame`; the ranges index into `frame`.
    public init(parsing frame: UnsafeRawBufferPointer) throws(CascadeFrameError) {
        guard frame.count >= Self.fixedHeaderSize else { throw .truncated }
        guard frame[0] == Self.version else { throw .unsupportedVersion(frame[0]) }
        guard let kind = Kind(rawValue: frame[1]) else { throw .unknownKind(frame[1]) }
        guard let mediaKind = MediaKind(rawValue: frame[7]) else { throw .unknownMediaKind(frame[7]) }
        let flags = Flags(rawValue: frame[3])
        guard flags.subtracting(.retransmission).isEmpty else { throw .unknownFlags(frame[3]) }
        let conferenceEnd = Self.fixedHeaderSize + Int(frame[4])
        let originEnd = conferenceEnd + Int(frame[5])
        let sourceEnd = originEnd + Int(frame[6])
        guard sourceEnd <= frame.count else { throw .truncated }
        self.kind = kind
        self.hops = frame[2]
        self.flags = flags
        self.mediaKind = mediaKind
        self.conference = Self.fixedHeaderSize..<conferenceEnd
        self.origin = conferenceEnd..<originEnd
        self.source = originEnd..<sourceEnd
        self.body = sourceEnd..<frame.count
    }

    /// Writes a header at the start of `buffer`; returns its length, or nil
    /// if a name is longer than 255 octets or the buffer is too small.
    public static func writeHeader(_ kind: Kind, hops: UInt8 = 0, flags: Flags = [], mediaKind: MediaKind = .none,
                                   conference: String, origin: String = "", source: String = "",
                                   into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        // Link messages (pings every 100 ms per link) come through here: no arrays.
        let conferenceLength = conference.utf8.count, originLength = origin.utf8.count, sourceLength = source.utf8.count
        guard max(conferenceLength, originLength, sourceLength) <= 255 else { return nil }
        let total = fixedHeaderSize + conferenceLength + originLength + sourceLength
        guard buffer.count >= total else { return nil }
        buffer[0] = version
        buffer[1] = kind.rawValue
        buffer[2] = hops
        buffer[3] = flags.rawValue
        buffer[4] = UInt8(conferenceLength)
        buffer[5] = UInt8(originLength)
        buffer[6] = UInt8(sourceLength)
        buffer[7] = mediaKind.rawValue
        var offset = fixedHeaderSize
        offset += copy(conference, into: buffer, at: offset)
        offset += copy(origin, into: buffer, at: offset)
        _ = copy(source, into: buffer, at: offset)
        return total
    }

    /// Copies a name's UTF-8 octets; returns how many.
    private static func copy(_ name: String, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var index = offset
        for byte in name.utf8 {
            buffer[index] = byte
            index += 1
        }
        return index - offset
    }

    /// A header as bytes, for a stream whose names never change: the bridge
    /// keeps one per stream and copies it in front of each packet, patching
    /// only the hop count (offset 2) and flags (offset 3).
    public static func header(_ kind: Kind, mediaKind: MediaKind = .none, conference: String, origin: String = "",
                              source: String = "") -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: fixedHeaderSize + 3 * 255)
        let written = bytes.withUnsafeMutableBytes {
            writeHeader(kind, mediaKind: mediaKind, conference: conference, origin: origin, source: source, into: $0)
        }
        return written.map { Array(bytes.prefix($0)) }
    }

    /// Offsets a bridge patches in a copied header.
    public static let hopsOffset = 2
    public static let flagsOffset = 3

    /// A name from the header as a String (UTF-8; invalid bytes are replaced).
    public static func name(_ range: Range<Int>, in frame: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: frame[range]), as: UTF8.self)
    }

    /// Whether the name at `range` equals `name`, without making a String:
    /// one `memcmp` for a native string (a relayed packet's conference is
    /// matched this way; walking the UTF-8 view costs ~50 ns a packet).
    public static func name(_ range: Range<Int>, in frame: UnsafeRawBufferPointer, equals name: String) -> Bool {
        guard range.count == name.utf8.count, range.upperBound <= frame.count else { return false }
        guard !range.isEmpty else { return true }
        if let equal = name.utf8.withContiguousStorageIfAvailable({
            memcmp($0.baseAddress!, frame.baseAddress! + range.lowerBound, range.count) == 0
        }) {
            return equal
        }
        var index = range.lowerBound
        for byte in name.utf8 {
            guard frame[index] == byte else { return false }
            index += 1
        }
        return true
    }
}

public enum CascadeFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case unknownMediaKind(UInt8)
    case unknownFlags(UInt8)
    case malformedBody(CascadeFrame.Kind)

    public var description: String {
        switch self {
        case .truncated: "truncated cascade frame"
        case .unsupportedVersion(let v): "cascade frame version \(v) (this bridge speaks \(CascadeFrame.version))"
        case .unknownKind(let k): "unknown cascade frame type \(k)"
        case .unknownMediaKind(let k): "unknown media kind \(k)"
        case .unknownFlags(let f): "unknown cascade frame flags 0x\(String(f, radix: 16))"
        case .malformedBody(let kind): "malformed \(kind) body"
        }
    }
}
