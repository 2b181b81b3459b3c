import CAllocationCounter
import Testing
@testable import Overlay

/// The packet path works in place and does not allocate.
@Suite struct SealingHotPathTests {
    /// Budget: zero heap allocations (malloc and siblings, counted per thread by
    /// CAllocationCounter) for 1,000 seals and 1,000 opens of 1,100-octet payloads.
    static let allocationBudget = 0

    @Test(arguments: SealingFixture.suites)
    func sealAndOpenOf1000DatagramsDoNotAllocate(suite: EnvelopeCipher.Suite) throws {
        let pair = try BridgePair(suite: suite)
        pair.handshake(from: pair.a)
        #expect(pair.a.registry.status(pair.a.handle("nyc-1"))?.suite == suite)
        let sender = pair.a.registry, receiver = pair.b.registry
        let peer = pair.a.handle("nyc-1")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2_048, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
        let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[..<1_132])
        let now = SealingFixture.start

        // Warm up: first calls may initialise statics and lazy metadata.
        for _ in 0..<10 {
            _ = try sender.seal(to: peer, payloadLength: 1_100, in: datagram, now: now)
            _ = receiver.open(datagram, now: now)
        }
        var failures = 0
        CAllocationCounter_start()
        for _ in 0..<1_000 {
            do {
                if try sender.seal(to: peer, payloadLength: 1_100, in: datagram, now: now) != 1_132 { failures += 1 }
            } catch {
                failures += 1
            }
            guard case .payload = receiver.open(datagram, now: now) else {
                failures += 1
                continue
            }
        }
        let allocations = CAllocationCounter_stop()
        #expect(failures == 0)
        #expect(allocations <= Self.allocationBudget, "\(allocations) allocations in 1,000 seal+open")
    }

    @Test func allocationCounterSeesAllocations() {
        // Guards the guard: the counter must notice an allocation when there is one.
        var sink: [[Int]] = []
        sink.reserveCapacity(10)
        CAllocationCounter_start()
        for index in 0..<10 { sink.append([index]) }
        let allocations = CAllocationCounter_stop()
        #expect(allocations >= 10)
        #expect(sink.count == 10)
    }

    @Test(arguments: SealingFixture.suites)
    func droppedDatagramsDoNotAllocate(suite: EnvelopeCipher.Suite) throws {
        let pair = try BridgePair(suite: suite)
        pair.handshake(from: pair.a)
        let receiver = pair.b.registry
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_132, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        _ = try pair.a.registry.seal(to: pair.a.handle("nyc-1"), payloadLength: 1_100, in: buffer,
                                     now: SealingFixture.start)
        buffer[20] ^= 1
        _ = receiver.open(buffer, now: SealingFixture.start)
        let heldByMetrics = receiver.counters   // a reader's copy must not make counting copy
        CAllocationCounter_start()
        for _ in 0..<1_000 { _ = receiver.open(buffer, now: SealingFixture.start) }
        let allocations = CAllocationCounter_stop()
        #expect(allocations == 0)
        #expect(heldByMetrics[.authenticationFailed] == 1)
        #expect(receiver.counters[.authenticationFailed] == 1_001)
    }
}
