import CAllocationCounter
import Cascade
import Foundation
import Overlay
import Testing
import Topology
@testable import Relay

/// `meridian bench cascade` in miniature: the hop between three real
/// bridges delivers every copy, the floors are measured, and the long-haul
/// table of topology/earth.yaml favours the tree. No timing thresholds: the
/// figures are for a release build (Sources/Relay/README.md).
@Suite("Cascade benchmark", .serialized)
struct CascadeBenchmarkTests {
    @Test func hopBenchmarkDeliversEveryCopyAndReportsPositiveFigures() throws {
        var configuration = CascadeHopBenchmark.Configuration()
        configuration.packets = 320
        configuration.rounds = 2
        configuration.warmUpPackets = 64
        let figures = try CascadeHopBenchmark.run(configuration)
        for series in [figures.hop, figures.kernelFloor, figures.cryptoFloor, figures.rawAEAD] {
            #expect(series.rounds.count == 2)
            #expect(series.rounds.allSatisfy { $0 > 0 && $0.isFinite })
        }
        #expect(figures.ownWork.isFinite)
        #expect(figures.sent == 640)
        // `delivered` counts only datagrams the receiver decrypted as the video stream;
        // `run` itself throws if a sampled packet differed or any bridge dropped one.
        #expect(figures.forwarded == 640 && figures.receivedDownstream == 640 && figures.delivered == 640)
        #expect(figures.compared > 0)
        // Default bridges negotiate the best suite both CPUs run; the crypto floor measures that one.
        #expect(figures.suite == (EnvelopeCipher.Suite.aes256GCM.isAvailable ? .aes256GCM : .chacha20Poly1305))
    }

    /// CONVENTIONS: the hot path does not allocate. The transit bridge's
    /// whole `receiveCascade` for 1,024 packets (32 bursts), after warm-up,
    /// with the bridges' timers stopped so that only media reaches it (a
    /// link message such as an interest refresh may allocate; it is not the
    /// media path).
    @Test func transitHopDoesNotAllocate() throws {
        let harness = try CascadeHopHarness(packetSize: 1_100)
        for _ in 0..<8 {
            harness.sendBurst()
            _ = harness.forwardBurst()
            harness.drainDownstream()
        }
        harness.settleTransit()
        var allocations: UInt = 0
        var forwarded = 0
        for _ in 0..<32 {
            harness.sendBurst()
            CAllocationCounter_start()
            forwarded += harness.forwardBurst().forwarded
            allocations += CAllocationCounter_stop()
            harness.drainDownstream(runTimers: false)
        }
        #expect(forwarded == 1_024)
        // The allocation-free path is the one bridges negotiate here (AES-256-GCM with AES-NI).
        let negotiated: EnvelopeCipher.Suite = EnvelopeCipher.Suite.aes256GCM.isAvailable ? .aes256GCM : .chacha20Poly1305
        #expect(harness.hopSuites.inbound == negotiated && harness.hopSuites.outbound == negotiated)
        #expect(allocations <= Self.allocationBudget, "\(allocations) allocations for \(forwarded) hops")
        #expect(harness.tally.mismatches == 0)
    }

    /// Allocations allowed for 1,024 hops. It was 1 per packet until the
    /// link remembered the conference instead of making its name a String.
    static let allocationBudget: UInt = 0

    @Test func longHaulTableOfEarthFavoursTheTree() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let topology = try Topology.load(path: root.appendingPathComponent("topology/earth.yaml").path)
        let compared = try StrategyComparison.everyRegion(topology)
        #expect(compared.tree.plan.bridges.count == topology.regions.count)
        #expect(compared.tree.plan.strategy == .tree && compared.mesh.plan.strategy == .mesh)
        let tree = compared.tree.longHaul, mesh = compared.mesh.longHaul
        #expect(tree.copiesPerOrigin.count == topology.regions.count)
        // earth.yaml: 7.00 vs 7.78 copies per stream, at most 7 vs 8.
        #expect(tree.meanPerStream < mesh.meanPerStream)
        #expect(tree.maxPerStream < mesh.maxPerStream)
        #expect(tree.meanPerStream > 0)
        #expect(compared.tree.links == topology.regions.count - 1)
    }
}
