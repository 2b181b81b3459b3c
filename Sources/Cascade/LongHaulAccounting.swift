import Topology

/// How many copies of one stream cross long-haul links under a plan.
///
/// A stream from a participant on bridge `o` must reach every other bridge
/// with participants. It travels on the union of the plan's paths from `o` to
/// those bridges, each link at most once (DESIGN §2: "each tree edge carries
/// at most one copy of a stream"; a subtree without receivers gets nothing).
/// Under `tree` that is the pruned subtree; under `mesh` it is one direct copy
/// per receiving bridge, so `o` sends `k − 1` copies over its own uplink.
/// A link is long-haul when its RTT is above the threshold (default 30 ms:
/// different metros, and in practice different regions).
public struct LongHaulReport: Sendable, Equatable {
    public let thresholdMs: Double
    /// For each origin bridge (sorted by id), the long-haul copies of one of its streams.
    public let copiesPerOrigin: [OriginCopies]
    /// Long-haul copies summed over origins, by the pair of group labels of
    /// the link's ends (regions, or areas such as `eu~us`; see `count`).
    public let byPair: [RegionPair: Int]

    /// One stream from every origin: the sum over origins.
    public var totalCopies: Int { copiesPerOrigin.reduce(0) { $0 + $1.copies } }

    /// Mean long-haul copies of one stream, over origins.
    public var meanPerStream: Double {
        copiesPerOrigin.isEmpty ? 0 : Double(totalCopies) / Double(copiesPerOrigin.count)
    }

    /// The most long-haul copies any one origin's stream needs.
    public var maxPerStream: Int { copiesPerOrigin.map(\.copies).max() ?? 0 }
}

public struct OriginCopies: Sendable, Equatable {
    public let bridge: String
    public let copies: Int

    public init(bridge: String, copies: Int) {
        self.bridge = bridge
        self.copies = copies
    }
}

public enum LongHaulAccounting {
    /// Above this RTT a link counts as long-haul.
    public static let defaultThresholdMs = 30.0

    /// Counts for a plan with participants on `participants` (bridges of the
    /// plan that are not in it are ignored; a `single` plan has no cascade
    /// links and counts zero). Every participating bridge is an origin.
    /// `group` labels a bridge for `byPair` (its region, or an area).
    public static func count(_ plan: CascadeTree, participants: Set<String>,
                             thresholdMs: Double = defaultThresholdMs,
                             group: (String) -> String = { $0 }) -> LongHaulReport {
        let active = participants.filter(plan.contains).sorted()
        var perOrigin: [OriginCopies] = []
        var byPair: [RegionPair: Int] = [:]
        for origin in active {
            var used = Set<BridgePair>()
            for receiver in active where receiver != origin {
                guard let path = plan.path(origin, receiver) else { continue }
                for (x, y) in zip(path, path.dropFirst()) { used.insert(BridgePair(x, y)) }
            }
            var copies = 0
            for link in used {
                guard let rtt = plan.linkRTT(link.first, link.second), rtt > thresholdMs else { continue }
                copies += 1
                byPair[RegionPair(group(link.first), group(link.second)), default: 0] += 1
            }
            perOrigin.append(OriginCopies(bridge: origin, copies: copies))
        }
        return LongHaulReport(thresholdMs: thresholdMs, copiesPerOrigin: perOrigin, byPair: byPair)
    }

    /// The area of a region by naming convention: the part of its name before
    /// the first `-` (`eu-central` → `eu`). Regions named otherwise are their
    /// own area.
    public static func area(ofRegion region: String) -> String {
        region.split(separator: "-", maxSplits: 1).first.map(String.init) ?? region
    }
}
