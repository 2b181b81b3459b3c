import Cascade
import Foundation
import Topology

/// The repository's own topology files, found from this file's path so the
/// tests run from any working directory.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // CascadeTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    static func topology(_ name: String) throws -> Topology {
        try Topology.load(path: packageRoot.appendingPathComponent("topology/\(name).yaml").path)
    }

    static func earth() throws -> (Topology, LatencyTable) {
        let topology = try topology("earth")
        let table = try BridgeLatencies(topology: topology).table(for: topology.bridges.map(\.id))
        return (topology, table)
    }
}

/// SplitMix64: a tiny seeded generator so every random case can be replayed
/// from the seed printed in a failure.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random conferences: bridge ids and a symmetric RTT for every pair.
enum RandomConference {
    /// Independent uniform RTTs in 1…300 ms: symmetric, not a metric, the
    /// harshest input for a heuristic built on "near bridges relay".
    static func uniform(_ n: Int, using rng: inout SeededGenerator) throws -> LatencyTable {
        let ids = (0..<n).map { "b\($0)" }.shuffled(using: &rng)
        var rtt: [BridgePair: Double] = [:]
        for i in 0..<n { for j in (i + 1)..<n {
            rtt[BridgePair(ids[i], ids[j])] = Double.random(in: 1...300, using: &rng).rounded()
        } }
        return try LatencyTable(bridges: ids) { a, b in rtt[BridgePair(a, b)].map { BridgeRTT(ms: $0, source: .live) } }
    }

    /// Bridges at random places on Earth, a few sharing a metro: RTTs from
    /// the topology's own great-circle estimate (a metric, like real networks
    /// roughly are).
    static func geographic(_ n: Int, using rng: inout SeededGenerator) throws -> LatencyTable {
        var places: [Region] = []
        for k in 0..<n {
            if k > 0, Double.random(in: 0..<1, using: &rng) < 0.25, let twin = places.randomElement(using: &rng) {
                places.append(Region(name: "r\(k)", latitude: twin.latitude + 0.1, longitude: twin.longitude))
            } else {
                places.append(Region(name: "r\(k)", latitude: Double.random(in: -50...60, using: &rng),
                                     longitude: Double.random(in: -180...180, using: &rng)))
            }
        }
        let ids = (0..<n).map { "b\($0)" }
        return try LatencyTable(bridges: ids.shuffled(using: &rng)) { a, b in
            guard let i = ids.firstIndex(of: a), let j = ids.firstIndex(of: b) else { return nil }
            return BridgeRTT(ms: LatencyMatrix.estimatedRTT(from: places[i], to: places[j]), source: .estimated)
        }
    }
}
