import Cascade
import Testing

/// Bodies of the link messages: what the writers write reads back, and a
/// short or inconsistent body is `malformedBody` of the right kind.
@Suite struct LinkMessageTests {
    private func written(capacity: Int = 2048, _ write: (UnsafeMutableRawBufferPointer) -> Int?) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0xEE, count: capacity)
        let length = try #require(bytes.withUnsafeMutableBytes { write($0) })
        return Array(bytes.prefix(length))
    }

    private func read<T>(_ bytes: [UInt8], _ reader: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes(reader)
    }

    // Closures rather than `LinkMessage.readNACK` passed as a value: the
    // reabstraction thunk for a typed-throws function returning a tuple
    // crashes the Swift 6.3.1 compiler ("unsupported collection upcast kind").
    private func readInterest(_ body: [UInt8]) throws -> InterestChunk {
        try read(body) { try LinkMessage.readInterest($0) }
    }
    private func readSSRC(_ body: [UInt8]) throws -> UInt32 { try read(body) { try LinkMessage.readSSRC($0) } }
    private func readNACK(_ body: [UInt8]) throws -> (ssrc: UInt32, sequenceNumbers: [UInt16]) {
        try read(body) { try LinkMessage.readNACK($0) }
    }

    // MARK: Interest

    @Test func interestRoundTrips() throws {
        let full = (0..<UInt32(LinkMessage.maximumInterest)).map { $0 &* 2_654_435_761 }
        for chunk in [InterestChunk(total: 0, offset: 0, ssrcs: []), InterestChunk(total: 1, offset: 0, ssrcs: [0x0102_0304]),
                      InterestChunk(total: 600, offset: 256, ssrcs: full), InterestChunk(total: 4, offset: 0, ssrcs: [1, .max, 0, 42])] {
            let body = try written { LinkMessage.writeInterest(chunk, into: $0) }
            #expect(body.count == 6 + 4 * chunk.ssrcs.count)
            #expect(try readInterest(body) == chunk)
        }
    }

    @Test func interestBytesAreBigEndian() throws {
        let body = try written {
            LinkMessage.writeInterest(InterestChunk(total: 258, offset: 256, ssrcs: [0x0102_0304, 0xA0B0_C0D0]), into: $0)
        }
        #expect(body == [0x01, 0x02, 0x01, 0x00, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0xA0, 0xB0, 0xC0, 0xD0])
    }

    @Test func malformedInterestThrows() throws {
        let bad: [[UInt8]] = [
            [],                                               // no header
            [0x00, 0x01, 0x00, 0x00, 0x00],                   // header cut short
            [0, 2, 0, 0, 0x00, 0x02, 0, 0, 0, 1],             // count 2, one SSRC
            [0, 1, 0, 0, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2], // count 1, two SSRCs
            [0, 1, 0, 1, 0x00, 0x01, 0, 0, 0, 1],             // offset 1 + 1 past a total of 1
            [0, 3, 0, 0, 0x00, 0x00],                         // an empty chunk of a non-empty set
            [0, 0, 0, 1, 0x00, 0x00],                         // an empty set at offset 1
        ]
        for body in bad {
            #expect(throws: CascadeFrameError.malformedBody(.interest)) { try readInterest(body) }
        }
        // One past the per-message maximum, with every SSRC present: too many.
        let tooMany = LinkMessage.maximumInterest + 1
        let count = [UInt8(tooMany >> 8), UInt8(tooMany & 0xFF)]
        let body = count + [0, 0] + count + [UInt8](repeating: 7, count: 4 * tooMany)
        #expect(throws: CascadeFrameError.malformedBody(.interest)) { try readInterest(body) }
    }

    @Test func interestWriterRefusesInconsistentChunksOrATooSmallBuffer() throws {
        var buffer = [UInt8](repeating: 0, count: 4096)
        buffer.withUnsafeMutableBytes {
            let tooMany = [UInt32](repeating: 1, count: LinkMessage.maximumInterest + 1)
            #expect(LinkMessage.writeInterest(InterestChunk(total: tooMany.count, offset: 0, ssrcs: tooMany), into: $0) == nil)
            #expect(LinkMessage.writeInterest(InterestChunk(total: 1, offset: 0, ssrcs: [1, 2]), into: $0) == nil)
            let small = UnsafeMutableRawBufferPointer(rebasing: $0[0..<13])
            #expect(LinkMessage.writeInterest(InterestChunk(total: 2, offset: 0, ssrcs: [1, 2]), into: small) == nil)
            #expect(LinkMessage.writeInterest(InterestChunk(total: 1, offset: 0, ssrcs: [1]),
                                              into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<10])) == 10)
        }
    }

    @Test func largeInterestSetsTravelInChunksAndAssembleInOrder() {
        let ssrcs = (0..<UInt32(600)).map { $0 * 7 + 1 }
        let chunks = LinkMessage.interestChunks(ssrcs)
        #expect(chunks.map(\.ssrcs.count) == [256, 256, 88])
        #expect(chunks.map(\.offset) == [0, 256, 512])
        var assembly = InterestAssembly()
        #expect(assembly.add(chunks[0]) == nil)
        #expect(assembly.add(chunks[1]) == nil)
        #expect(assembly.add(chunks[2]) == Set(ssrcs))
        // An empty set is one chunk that completes at once.
        #expect(LinkMessage.interestChunks([]) == [InterestChunk(total: 0, offset: 0, ssrcs: [])])
        #expect(assembly.add(InterestChunk(total: 0, offset: 0, ssrcs: [])) == [])
    }

    @Test func aLostChunkDropsThePartialSetUntilTheNextFullOne() {
        let chunks = LinkMessage.interestChunks((0..<UInt32(300)).map { $0 + 1 })
        var assembly = InterestAssembly()
        #expect(assembly.add(chunks[1]) == nil, "a set cannot start in the middle")
        #expect(assembly.add(chunks[0]) == nil)
        let newer = LinkMessage.interestChunks([9, 8])
        #expect(assembly.add(newer[0]) == [9, 8], "a chunk at offset 0 starts over")
        #expect(assembly.add(chunks[0]) == nil)
        #expect(assembly.add(InterestChunk(total: 299, offset: 256, ssrcs: [1])) == nil, "another set's chunk")
        #expect(assembly.add(chunks[1]) == nil, "nothing continues a broken set")
        #expect(assembly.add(chunks[0]) == nil && assembly.add(chunks[1]) == Set((0..<UInt32(300)).map { $0 + 1 }))
    }

    // MARK: Keyframe request (one SSRC)

    @Test func ssrcRoundTrips() throws {
        for ssrc: UInt32 in [0, 1, 0xDEAD_BEEF, .max] {
            let body = try written { LinkMessage.writeSSRC(ssrc, into: $0) }
            #expect(body.count == 4)
            #expect(try readSSRC(body) == ssrc)
        }
        #expect(try written { LinkMessage.writeSSRC(0x0102_0304, into: $0) } == [1, 2, 3, 4])
    }

    @Test func malformedSSRCThrows() {
        for body: [UInt8] in [[], [1], [1, 2, 3], [1, 2, 3, 4, 5]] {
            #expect(throws: CascadeFrameError.malformedBody(.keyframeRequest)) { try readSSRC(body) }
        }
        var buffer = [UInt8](repeating: 0, count: 3)
        buffer.withUnsafeMutableBytes { #expect(LinkMessage.writeSSRC(1, into: $0) == nil) }
    }

    // MARK: NACK

    @Test func nackRoundTrips() throws {
        let full = (0..<UInt16(LinkMessage.maximumNACK)).map { $0 &* 1_021 }
        for sequences: [UInt16] in [[], [0], [0xFFFF, 0, 1], full] {
            let body = try written { LinkMessage.writeNACK(ssrc: 0xCAFE_F00D, sequenceNumbers: sequences, into: $0) }
            #expect(body.count == 6 + 2 * sequences.count)
            let nack = try readNACK(body)
            #expect(nack.ssrc == 0xCAFE_F00D)
            #expect(nack.sequenceNumbers == sequences)
        }
    }

    @Test func nackBytesAreBigEndian() throws {
        let body = try written { LinkMessage.writeNACK(ssrc: 0x0102_0304, sequenceNumbers: [0x0A0B, 0xFFFE], into: $0) }
        #expect(body == [0x01, 0x02, 0x03, 0x04, 0x00, 0x02, 0x0A, 0x0B, 0xFF, 0xFE])
    }

    @Test func malformedNACKThrows() {
        let bad: [[UInt8]] = [
            [],
            [0, 0, 0, 1, 0],                   // count cut short
            [0, 0, 0, 1, 0, 2, 0, 1],          // count 2, one sequence number
            [0, 0, 0, 1, 0, 0, 0, 1],          // count 0, one sequence number
            [0, 0, 0, 1, 0, 1, 0, 1, 0],       // trailing octet
        ]
        for body in bad {
            #expect(throws: CascadeFrameError.malformedBody(.nack)) { try readNACK(body) }
        }
        let tooMany = LinkMessage.maximumNACK + 1
        let body: [UInt8] = [0, 0, 0, 1, 0, UInt8(tooMany)] + [UInt8](repeating: 0, count: 2 * tooMany)
        #expect(throws: CascadeFrameError.malformedBody(.nack)) { try readNACK(body) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        buffer.withUnsafeMutableBytes {
            let sequences = [UInt16](repeating: 1, count: tooMany)
            #expect(LinkMessage.writeNACK(ssrc: 1, sequenceNumbers: sequences, into: $0) == nil)
            let small = UnsafeMutableRawBufferPointer(rebasing: $0[0..<7])
            #expect(LinkMessage.writeNACK(ssrc: 1, sequenceNumbers: [1], into: small) == nil)
        }
    }

    // MARK: Ping / pong token

    @Test(arguments: [CascadeFrame.Kind.ping, .pong])
    func tokenRoundTrips(kind: CascadeFrame.Kind) throws {
        for token: UInt64 in [0, 1, 0x0102_0304_0506_0708, .max] {
            let body = try written { LinkMessage.writeToken(token, into: $0) }
            #expect(body.count == 8)
            #expect(try read(body) { try LinkMessage.readToken($0, kind: kind) } == token)
        }
        #expect(try written { LinkMessage.writeToken(0x0102_0304_0506_0708, into: $0) } == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test(arguments: [CascadeFrame.Kind.ping, .pong])
    func malformedTokenThrowsForItsKind(kind: CascadeFrame.Kind) {
        for body: [UInt8] in [[], [1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            #expect(throws: CascadeFrameError.malformedBody(kind)) {
                try read(body) { try LinkMessage.readToken($0, kind: kind) }
            }
        }
        var buffer = [UInt8](repeating: 0, count: 7)
        buffer.withUnsafeMutableBytes { #expect(LinkMessage.writeToken(1, into: $0) == nil) }
    }
}
