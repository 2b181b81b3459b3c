import Foundation

/// Round-trip times between regions: the operator's measured `latency-ms`
/// where declared, otherwise an estimate from the regions' coordinates.
///
/// The estimate is the great-circle distance (haversine, Earth radius
/// 6,371 km) travelled there and back at 2/3 of the speed of light (light in
/// fibre, ≈ 199.9 km per ms), plus a fixed 10 ms for routing detours and
/// queueing:
///
///     rtt_ms = 2 × distance_km / 199.86 + 10
///
/// Frankfurt–Virginia (≈ 6,550 km) comes out at ≈ 76 ms against ≈ 88 ms
/// measured: the estimate is optimistic for long paths, which is why declared
/// values take precedence and live RTTs take precedence over both.
public struct LatencyMatrix: Sendable {
    public enum Source: String, Sendable, Equatable {
        case declared
        case estimated
    }

    /// Kilometres per millisecond at 2/3 of c.
    public static let fibreSpeed = 299_792.458 * 2 / 3 / 1000
    /// Added to every estimated round trip.
    public static let fixedOverheadMs = 10.0
    /// Round trip between two bridges of the same region (same metro).
    public static let sameRegionMs = 1.0
    static let earthRadiusKm = 6371.0

    private let regions: [String: Region]
    private let declared: [RegionPair: Double]

    public init(topology: Topology) {
        regions = Dictionary(topology.regions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        declared = topology.declaredLatencies
    }

    /// RTT between two regions in milliseconds and where the figure comes
    /// from; `nil` if either region is unknown.
    public func rtt(_ a: String, _ b: String) -> (ms: Double, source: Source)? {
        guard let ra = regions[a], let rb = regions[b] else { return nil }
        if a == b { return (Self.sameRegionMs, .estimated) }
        if let ms = declared[RegionPair(a, b)] { return (ms, .declared) }
        return (Self.estimatedRTT(from: ra, to: rb), .estimated)
    }

    public static func estimatedRTT(from a: Region, to b: Region) -> Double {
        2 * greatCircleKm(a, b) / fibreSpeed + fixedOverheadMs
    }

    /// Haversine distance in kilometres.
    public static func greatCircleKm(_ a: Region, _ b: Region) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.latitude - a.latitude) * rad
        let dLon = (b.longitude - a.longitude) * rad
        let h = sin(dLat / 2) * sin(dLat / 2)
            + cos(a.latitude * rad) * cos(b.latitude * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(h)))
    }
}
