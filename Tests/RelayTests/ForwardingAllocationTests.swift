import CAllocationCounter
import Control
import Testing
@testable import Relay

/// CONVENTIONS: "The hot path does not allocate. Prove it with a test that
/// counts allocations while forwarding 1,000 packets, and keep the budget in
/// the test."
///
/// The packets take the real path on this thread: a publisher socket sends
/// SRTP (AEAD_AES_128_GCM, 1,100-byte RTP) to a `MediaEngine` whose
/// endpoints were keyed directly, and `receiveAndForward` reads the batch,
/// demultiplexes, unprotects, parses, finds the producer, stores into the
/// retransmission cache, erases the MID and forwards a protected copy to
/// each of 8 subscribers, which decrypt samples to prove the copies are
/// real. Only `receiveAndForward` runs while counting.
///
/// libsrtp is not ours to change: Debian's libsrtp2 does AES-GCM through
/// NSS, whose `PK11_Encrypt`/`PK11_Decrypt` allocate on every call (5 per
/// protect or unprotect here). So the test measures what the same number of
/// bare `SRTPSession` calls allocate on this machine and pins Meridian's own
/// allocations on top of that.
@Suite("Forwarding allocations")
struct ForwardingAllocationTests {
    /// Meridian's own heap allocations per forwarded packet (fan-out 8),
    /// after warm-up, beyond what libsrtp allocates for its 9 calls.
    static let budgetPerPacket = 0
    static let packets = 1_000
    static let fanOut = 8
    static let warmUpPackets = 256

    private final class Canary {
        var value = 0
    }

    @Test func counterSeesSwiftAllocationsOnThisThread() {
        CAllocationCounter_start()
        let canary = Canary()
        canary.value = 1
        let counted = CAllocationCounter_stop()
        withExtendedLifetime(canary) {}
        #expect(counted >= 1, "the malloc interposer is not active in this test executable")

        CAllocationCounter_start()
        var sum = 0
        for value in 0..<100 { sum &+= value }
        #expect(CAllocationCounter_stop() == 0, "arithmetic allocated (sum \(sum))")
    }

    /// Over IPv4 and IPv6 loopback: the peer address is parsed from the
    /// kernel's sockaddr for every datagram, so both families are on the path.
    @Test(arguments: ["127.0.0.1:0", "[::1]:0"])
    func forwardingThousandPacketsToEightSubscribersStaysWithinBudget(host: String) throws {
        let loopback = try #require(PeerAddress(host))
        let legs = try ForwardingLegs(subscribers: Self.fanOut)
        let load = try ForwardingLoad(packetSize: 1_100, subscribers: Self.fanOut, host: loopback)
        let stream = try ForwardingLoad.Stream(legs: legs)
        let engine = try MediaEngine(socket: UDPSocket(bind: loopback),
                                     certificate: DTLSCertificate(), capacity: Self.fanOut + 1)
        let now = ContinuousClock.now
        try engine.installDirectEndpoint(conference: "allocations", id: "publisher", peer: load.publisherSocket.localAddress,
                                         keys: legs.publisher.bridgeSide, sends: [legs.source],
                                         receives: [], now: now)
        for (index, (leg, address)) in zip(legs.subscribers, load.subscriberAddresses).enumerated() {
            try engine.installDirectEndpoint(conference: "allocations", id: "subscriber-\(index)", peer: address,
                                             keys: leg.bridgeSide, sends: [],
                                             receives: [legs.announcedSSRC], now: now)
        }
        engine.flush()
        let target = engine.socket.localAddress

        var warmUp = ForwardingLoad.Step(fanOut: Self.fanOut)
        _ = try forward(Self.warmUpPackets, from: load, stream: stream, to: target, through: engine, tally: &warmUp)
        var step = ForwardingLoad.Step(fanOut: Self.fanOut)
        let allocations = try forward(Self.packets, from: load, stream: stream, to: target, through: engine, tally: &step)

        // The path really forwarded: every copy arrived, and samples decrypted to what was sent.
        #expect(step.received == Self.packets * Self.fanOut)
        #expect(step.verified > 0 && step.verifyFailures == 0)
        #expect(engine.counters.packetsOut == UInt64((Self.warmUpPackets + Self.packets) * Self.fanOut) + 1)   // + the PLI

        let library = try libsrtpAllocations(legs: legs, unprotects: Self.packets, protects: Self.packets * Self.fanOut)
        let meridian = allocations - library
        #expect(meridian <= Self.budgetPerPacket * Self.packets,
                "\(allocations) allocations forwarding \(Self.packets) packets, libsrtp alone makes \(library) for the same calls: Meridian added \(meridian)")
    }

    /// Sends `count` packets in bursts of 32 and counts the allocations of
    /// the engine's `receiveAndForward` only (sending and draining are not counted).
    private func forward(_ count: Int, from load: ForwardingLoad, stream: ForwardingLoad.Stream, to target: PeerAddress,
                         through engine: MediaEngine, tally: inout ForwardingLoad.Step) throws -> Int {
        var allocations = 0
        var forwarded = 0
        while forwarded < count {
            let burst = min(ForwardingLoad.burst, count - forwarded)
            load.sendBurst(stream, to: target, count: burst)
            tally.sent += burst
            var received = 0
            var attempts = 0
            CAllocationCounter_start()
            while received < burst, attempts < 10_000 {
                received += engine.receiveAndForward(now: .now)
                attempts += 1
            }
            allocations += Int(CAllocationCounter_stop())
            try #require(received == burst, "the engine read \(received) of \(burst) datagrams sent on loopback")
            forwarded += received
            load.drainAll(stream, into: &tally)
        }
        return allocations
    }

    /// Allocations libsrtp makes for this many in-place unprotects and
    /// protects of the same packets, on this thread, after warm-up.
    private func libsrtpAllocations(legs: ForwardingLegs, unprotects: Int, protects: Int) throws -> Int {
        let sender = try legs.publisher.peerSide.makeOutboundSession()
        let receiver = try legs.publisher.bridgeSide.makeInboundSession()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: DatagramBatch.slotSize, alignment: 16)
        defer { buffer.deallocate() }
        var sequenceNumber: UInt16 = 0
        func packet() {
            _ = buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer[0] = 0x80
            buffer[1] = 96
            buffer.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
            buffer.storeBytes(of: legs.publisherSSRC.bigEndian, toByteOffset: 8, as: UInt32.self)
            sequenceNumber &+= 1
        }
        for _ in 0..<16 {
            packet()
            _ = try receiver.unprotect(rtp: buffer, length: sender.protect(rtp: buffer, length: 1_100))
        }
        var counted = 0
        for _ in 0..<protects {
            packet()
            CAllocationCounter_start()
            _ = try sender.protect(rtp: buffer, length: 1_100)
            counted += Int(CAllocationCounter_stop())
        }
        for _ in 0..<unprotects {
            packet()
            let length = try sender.protect(rtp: buffer, length: 1_100)
            CAllocationCounter_start()
            _ = try receiver.unprotect(rtp: buffer, length: length)
            counted += Int(CAllocationCounter_stop())
        }
        return counted
    }
}
