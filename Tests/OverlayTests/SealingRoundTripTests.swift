import Testing
@testable import Overlay

/// Seal → open for every payload size a cascade datagram can have.
@Suite struct SealingRoundTripTests {
    @Test(arguments: SealingFixture.suites)
    func roundTripRandomSizes0To1500BothDirections(suite: EnvelopeCipher.Suite) throws {
        let pair = try BridgePair(suite: suite)
        pair.handshake(from: pair.a)
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.suite == suite)
        var generator = SystemRandomNumberGenerator()
        let sizes = [0, 1, 15, 16, 17, 1_100, 1_499, 1_500] + (0..<300).map { _ in Int.random(in: 0...1_500, using: &generator) }
        for (index, size) in sizes.enumerated() {
            let (from, to, peer) = index.isMultiple(of: 2) ? (pair.a, pair.b, "nyc-1") : (pair.b, pair.a, "ams-1")
            let payload = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let sealed = try from.seal(payload, to: peer)
            #expect(sealed.count == size + 32)
            if size >= 16 { #expect(Array(sealed[16..<(16 + size)]) != payload, "size \(size) left in clear") }
            #expect(to.open(sealed) == .success(payload), "size \(size)")
        }
        #expect(pair.a.registry.counters.dropped == 0 && pair.b.registry.counters.dropped == 0)
    }

    @Test(arguments: SealingFixture.suites)
    func inPlaceSealLeavesRoomOutsideTheDatagramUntouched(suite: EnvelopeCipher.Suite) throws {
        let pair = try BridgePair(suite: suite)
        pair.handshake(from: pair.a)
        var buffer = [UInt8](repeating: 0xAB, count: 1_200)
        let payload = (0..<1_100).map { UInt8(truncatingIfNeeded: $0) }
        buffer.replaceSubrange(16..<1_116, with: payload)
        let handle = pair.a.handle("nyc-1")
        let sealed = buffer.withUnsafeMutableBytes { raw in
            Self.seal(pair.a.registry, handle, payloadLength: 1_100, in: raw)
        }
        #expect(sealed == .success(1_132))
        let length = 1_132
        #expect(buffer[1_132...].allSatisfy { $0 == 0xAB })
        let result = buffer.withUnsafeMutableBytes { raw in
            pair.b.registry.open(UnsafeMutableRawBufferPointer(rebasing: raw[..<length]), now: SealingFixture.start)
        }
        #expect(result == .payload(pair.b.handle("ams-1"), 16..<1_116))
        #expect(Array(buffer[16..<1_116]) == payload)
    }

    @Test func sealRefusesBufferWithoutRoomForHeaderAndTag() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a)
        var buffer = [UInt8](repeating: 0, count: 1_131)
        let handle = pair.a.handle("nyc-1")
        let sealed = buffer.withUnsafeMutableBytes { raw in
            Self.seal(pair.a.registry, handle, payloadLength: 1_100, in: raw)
        }
        #expect(sealed == .failure(.bufferTooSmall(needed: 1_132, available: 1_131)))
        #expect(pair.a.registry.status(handle)?.packetsSent == 1)   // only the handshake's confirm
    }

    @Test func handleOfRemovedPeerIsRefused() throws {
        let pair = try BridgePair()
        pair.handshake(from: pair.a)
        let stale = pair.a.handle("nyc-1")
        try pair.a.registry.updatePeers([])
        #expect(throws: SealError.unknownPeer(stale)) { try pair.a.registry.seal([1], to: stale, now: SealingFixture.start) }
        #expect(pair.a.registry.peer(id: "nyc-1") == nil)
    }

    private static func seal(_ registry: SealRegistry, _ peer: SealPeerHandle, payloadLength: Int,
                             in buffer: UnsafeMutableRawBufferPointer) -> Result<Int, SealError> {
        do throws(SealError) {
            return .success(try registry.seal(to: peer, payloadLength: payloadLength, in: buffer, now: SealingFixture.start))
        } catch {
            return .failure(error)
        }
    }
}
