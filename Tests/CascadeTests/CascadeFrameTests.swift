import Cascade
import Testing

/// The inter-bridge frame header: what `writeHeader` writes, `CascadeFrame`
/// reads back, and every way a peer's bytes can be wrong.
@Suite struct CascadeFrameTests {
    private static let kinds: [CascadeFrame.Kind] = [
        .media, .senderReport, .interest, .keyframeRequest, .nack, .ping, .pong, .bye,
    ]

    private func parse(_ bytes: [UInt8]) throws -> CascadeFrame {
        try bytes.withUnsafeBytes { try CascadeFrame(parsing: $0) }
    }

    /// A well-formed media header for conference "c1", origin "fra", source "alice"
    /// followed by a 3-octet body.
    private let mediaBytes: [UInt8] = [
        0x01, 0x01, 0x00, 0x00, 0x02, 0x03, 0x05, 0x02,  // ver, kind, hops, flags, lengths 2/3/5, video
        0x63, 0x31,                                      // "c1"
        0x66, 0x72, 0x61,                                // "fra"
        0x61, 0x6C, 0x69, 0x63, 0x65,                    // "alice"
        0x80, 0x60, 0x00,                                // body
    ]

    @Test(arguments: kinds)
    func writeHeaderParsesBackForEveryKind(kind: CascadeFrame.Kind) throws {
        var bytes = [UInt8](repeating: 0xEE, count: 64)
        let length = bytes.withUnsafeMutableBytes {
            CascadeFrame.writeHeader(kind, hops: 7, flags: .retransmission, mediaKind: .audio,
                                     conference: "room-1", origin: "iad-1", source: "bob", into: $0)
        }
        #expect(length == 8 + 6 + 5 + 3)
        let frame = try parse(bytes)
        #expect(frame.kind == kind)
        #expect(frame.hops == 7)
        #expect(frame.flags == .retransmission)
        #expect(frame.mediaKind == .audio)
        #expect(frame.conference == 8..<14)
        #expect(frame.origin == 14..<19)
        #expect(frame.source == 19..<22)
        #expect(frame.body == 22..<64)
        bytes.withUnsafeBytes {
            #expect(CascadeFrame.name(frame.conference, in: $0) == "room-1")
            #expect(CascadeFrame.name(frame.origin, in: $0) == "iad-1")
            #expect(CascadeFrame.name(frame.source, in: $0) == "bob")
        }
    }

    @Test(arguments: kinds)
    func headerBytesParseBackForEveryKind(kind: CascadeFrame.Kind) throws {
        let header = try #require(CascadeFrame.header(kind, mediaKind: .video, conference: "c", origin: "o"))
        #expect(header.count == 10)
        let frame = try parse(header)
        #expect(frame.kind == kind)
        #expect(frame.hops == 0)
        #expect(frame.flags == [])
        #expect(frame.mediaKind == .video)
        #expect(frame.conference == 8..<9)
        #expect(frame.origin == 9..<10)
        #expect(frame.source == 10..<10)
        #expect(frame.body == 10..<10)
    }

    @Test func mediaHeaderHasExactBytes() throws {
        let header = try #require(CascadeFrame.header(.media, mediaKind: .video, conference: "c1", origin: "fra",
                                                      source: "alice"))
        #expect(header == Array(mediaBytes.prefix(18)))
        var bytes = [UInt8](repeating: 0, count: 18)
        let length = bytes.withUnsafeMutableBytes {
            CascadeFrame.writeHeader(.media, hops: 3, flags: .retransmission, mediaKind: .video,
                                     conference: "c1", origin: "fra", source: "alice", into: $0)
        }
        #expect(length == 18)
        var patched = Array(mediaBytes.prefix(18))
        patched[CascadeFrame.hopsOffset] = 3
        patched[CascadeFrame.flagsOffset] = 0x01
        #expect(bytes == patched)
    }

    @Test func handWrittenMediaFrameParses() throws {
        let frame = try parse(mediaBytes)
        #expect(frame.kind == .media)
        #expect(frame.mediaKind == .video)
        #expect(frame.body == 18..<21)
        mediaBytes.withUnsafeBytes {
            #expect(CascadeFrame.name(frame.source, in: $0) == "alice")
            #expect(Array($0[frame.body]) == [0x80, 0x60, 0x00])
        }
    }

    @Test func patchingHopsAndFlagsInACopiedHeader() throws {
        var header = try #require(CascadeFrame.header(.media, mediaKind: .audio, conference: "c", origin: "o",
                                                      source: "s"))
        header[CascadeFrame.hopsOffset] = 31
        header[CascadeFrame.flagsOffset] = CascadeFrame.Flags.retransmission.rawValue
        let frame = try parse(header)
        #expect(frame.hops == 31)
        #expect(frame.flags.contains(.retransmission))
    }

    // MARK: Malformed headers

    @Test func truncatedFixedHeaderThrows() {
        for count in 0..<CascadeFrame.fixedHeaderSize {
            #expect(throws: CascadeFrameError.truncated) { try parse(Array(mediaBytes.prefix(count))) }
        }
    }

    @Test func nameLengthsPastTheEndThrow() {
        // Every cut inside the names is too short; the cut right after them is not.
        for count in CascadeFrame.fixedHeaderSize..<18 {
            #expect(throws: CascadeFrameError.truncated) { try parse(Array(mediaBytes.prefix(count))) }
        }
        #expect(throws: Never.self) { try parse(Array(mediaBytes.prefix(18))) }
        for index in 4...6 {
            var bytes = mediaBytes
            bytes[index] = 0xFF
            #expect(throws: CascadeFrameError.truncated) { try parse(bytes) }
        }
    }

    @Test func wrongVersionThrows() {
        for version: UInt8 in [0, 2, 0xFF] {
            var bytes = mediaBytes
            bytes[0] = version
            #expect(throws: CascadeFrameError.unsupportedVersion(version)) { try parse(bytes) }
        }
    }

    @Test func unknownKindThrows() {
        for kind: UInt8 in [0, 9, 0xFF] {
            var bytes = mediaBytes
            bytes[1] = kind
            #expect(throws: CascadeFrameError.unknownKind(kind)) { try parse(bytes) }
        }
    }

    @Test func unknownMediaKindThrows() {
        for mediaKind: UInt8 in [3, 0x80, 0xFF] {
            var bytes = mediaBytes
            bytes[7] = mediaKind
            #expect(throws: CascadeFrameError.unknownMediaKind(mediaKind)) { try parse(bytes) }
        }
    }

    @Test func unknownFlagsThrow() {
        for flags: UInt8 in [0x02, 0x03, 0x80, 0xFF] {
            var bytes = mediaBytes
            bytes[3] = flags
            #expect(throws: CascadeFrameError.unknownFlags(flags)) { try parse(bytes) }
        }
    }

    @Test func namesLongerThan255OctetsAreRefused() {
        let long = String(repeating: "x", count: 256)
        let fits = String(repeating: "x", count: 255)
        var buffer = [UInt8](repeating: 0, count: 2048)
        buffer.withUnsafeMutableBytes { buffer in
            #expect(CascadeFrame.writeHeader(.media, conference: long, into: buffer) == nil)
            #expect(CascadeFrame.writeHeader(.media, conference: "c", origin: long, into: buffer) == nil)
            #expect(CascadeFrame.writeHeader(.media, conference: "c", source: long, into: buffer) == nil)
            // Octets, not characters: 128 two-octet characters are 256 octets.
            #expect(CascadeFrame.writeHeader(.media, conference: String(repeating: "é", count: 128),
                                             into: buffer) == nil)
            #expect(CascadeFrame.writeHeader(.media, conference: fits, origin: fits, source: fits,
                                             into: buffer) == 8 + 3 * 255)
        }
        #expect(CascadeFrame.header(.media, conference: long) == nil)
    }

    @Test func tooSmallBufferIsRefused() {
        var buffer = [UInt8](repeating: 0, count: 17)
        buffer.withUnsafeMutableBytes {
            #expect(CascadeFrame.writeHeader(.media, conference: "c1", origin: "fra", source: "alice", into: $0) == nil)
        }
    }

    @Test func nameEqualsComparesOctets() throws {
        let frame = try parse(mediaBytes)
        mediaBytes.withUnsafeBytes {
            #expect(CascadeFrame.name(frame.conference, in: $0, equals: "c1"))
            #expect(CascadeFrame.name(frame.origin, in: $0, equals: "fra"))
            #expect(CascadeFrame.name(frame.source, in: $0, equals: "alice"))
            #expect(!CascadeFrame.name(frame.conference, in: $0, equals: "c2"))
            #expect(!CascadeFrame.name(frame.conference, in: $0, equals: "c"))
            #expect(!CascadeFrame.name(frame.conference, in: $0, equals: "c1x"))
            #expect(!CascadeFrame.name(frame.origin, in: $0, equals: ""))
            #expect(!CascadeFrame.name(frame.source, in: $0, equals: "alicE"))
            #expect(CascadeFrame.name(frame.body.upperBound..<frame.body.upperBound, in: $0, equals: ""))
        }
    }

    @Test func nameEqualsWorksOnMultiOctetNames() throws {
        let header = try #require(CascadeFrame.header(.ping, conference: "café", origin: "zürich"))
        let frame = try parse(header)
        header.withUnsafeBytes {
            #expect(CascadeFrame.name(frame.conference, in: $0, equals: "café"))
            #expect(!CascadeFrame.name(frame.conference, in: $0, equals: "cafe"))
            #expect(CascadeFrame.name(frame.origin, in: $0) == "zürich")
        }
    }

    /// Random bytes: the parser never traps, and whatever it accepts has its
    /// ranges in order and inside the buffer. Half the buffers start with a
    /// plausible fixed header so the name arithmetic is exercised too.
    @Test func randomBytesNeverTrapAndRangesStayInside() {
        var rng = SeededGenerator(seed: 0xCA5C_ADE)
        var accepted = 0
        for round in 0..<20_000 {
            let count = Int.random(in: 0...300, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round.isMultiple(of: 2), count >= 8 {
                bytes[0] = CascadeFrame.version
                bytes[1] = UInt8.random(in: 1...8, using: &rng)
                bytes[3] &= 0x01
                bytes[4] = UInt8.random(in: 0...100, using: &rng)
                bytes[5] = UInt8.random(in: 0...100, using: &rng)
                bytes[6] = UInt8.random(in: 0...100, using: &rng)
                bytes[7] = UInt8.random(in: 0...2, using: &rng)
            }
            guard let frame = try? parse(bytes) else { continue }
            accepted += 1
            #expect(frame.conference.lowerBound == CascadeFrame.fixedHeaderSize)
            #expect(frame.conference.upperBound == frame.origin.lowerBound)
            #expect(frame.origin.upperBound == frame.source.lowerBound)
            #expect(frame.source.upperBound == frame.body.lowerBound)
            #expect(frame.body.upperBound == count)
            #expect(frame.body.lowerBound <= count)
        }
        #expect(accepted > 1_000)
    }
}
