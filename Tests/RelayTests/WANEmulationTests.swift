import Testing
import Topology
@testable import Relay

@Suite("WAN emulation")
struct WANEmulationTests {
    static let topology = try! Topology.parse(yaml: """
        version: 1
        name: wan
        regions:
          eu: { lat: 50, lon: 8 }
          us: { lat: 39, lon: -77 }
        latency-ms:
          eu~us: 88
        overlay: { mode: loopback }
        bridges:
          fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }
          fra-2: { region: eu, media: 127.0.0.1:10002, overlay: 127.0.0.1:4002 }
          iad-1: { region: us, media: 127.0.0.1:10003, overlay: 127.0.0.1:4003 }
        signaling: { default-region: eu }
        """, file: "wan.yaml")

    @Test func delaysComeFromTheTopologysLatencies() throws {
        let fra = try #require(WANEmulation(topology: Self.topology, bridge: "fra-1"))
        #expect(fra.towardBridge["iad-1"] == .milliseconds(44), "half the declared 88 ms round trip")
        #expect(fra.towardBridge["fra-2"] == .microseconds(500), "same region: half of 1 ms")
        #expect(fra.towardBridge["fra-1"] == nil)
        #expect(fra.towardRegion["us"] == .milliseconds(88), "the whole round trip toward a participant")
        #expect(WANEmulation(topology: Self.topology, bridge: "nope") == nil)
    }

    @Test func theDelayLineReleasesInDueOrderAndOnlyWhenDue() throws {
        let line = DelayLine()
        let batch = DatagramBatch(capacity: 4)
        let peer = try #require(PeerAddress("127.0.0.1:9"))
        let now = ContinuousClock.now
        for (byte, delay) in [(UInt8(1), 30), (2, 10), (3, 20)] {
            [byte].withUnsafeBytes { line.hold($0, to: peer, until: now + .milliseconds(delay)) }
        }
        #expect(line.nextDue == now + .milliseconds(10))
        line.release(now: now + .milliseconds(5), into: batch, family: AF_INET_VALUE) {}
        #expect(batch.count == 0)
        line.release(now: now + .milliseconds(25), into: batch, family: AF_INET_VALUE) {}
        #expect(batch.count == 2)
        #expect([batch.slot(0)[0], batch.slot(1)[0]] == [2, 3])
        line.release(now: now + .milliseconds(30), into: batch, family: AF_INET_VALUE) {}
        #expect(batch.count == 3 && batch.slot(2)[0] == 1)
        #expect(line.isEmpty)
    }
}

#if canImport(Glibc)
import Glibc
private let AF_INET_VALUE = AF_INET
#endif
