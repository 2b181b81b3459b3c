import Topology

/// The ways to cascade one conference over a set of bridges, side by side:
/// `tree`, `mesh`, the best star (and the best star the fan-out cap allows),
/// and `single`, each with its worst path and the long-haul copies of one
/// stream (`LongHaulAccounting`), participants on every bridge of the table.
/// `meridian topology plan` prints it after the plan; `meridian bench
/// cascade` prints its tree and mesh rows.
public struct StrategyComparison: Sendable {
    public struct Row: Sendable {
        /// What an operator reads: `tree, max fan-out 4`, `star via fra-1, fan-out 8`, …
        public let name: String
        public let plan: CascadeTree
        public let longHaul: LongHaulReport

        public var links: Int { plan.edges.count }
    }

    public let thresholdMs: Double
    /// tree, mesh, then (3 bridges or more) the best star and, when the cap
    /// forbids it, the best capped star; `single` last.
    public let rows: [Row]

    public var tree: Row { rows[0] }
    public var mesh: Row { rows[1] }

    /// Plans every strategy over `table`; `plan`, if given, is reused for its
    /// strategy instead of being planned again. Areas (`LongHaulAccounting.area`)
    /// of the bridges' regions label `LongHaulReport.byPair`.
    public static func compare(_ topology: Topology, table: LatencyTable, maxFanout cap: Int,
                               thresholdMs: Double = LongHaulAccounting.defaultThresholdMs,
                               reusing plan: CascadeTree? = nil) throws(CascadeError) -> StrategyComparison {
        func planned(_ strategy: CascadeStrategy) throws(CascadeError) -> CascadeTree {
            if let plan, plan.strategy == strategy { return plan }
            return try CascadePlanner(strategy: strategy, maxFanout: cap).plan(table)
        }
        let n = table.count
        var plans: [(name: String, plan: CascadeTree)] = []
        plans.append(("tree, max fan-out \(cap)", try planned(.tree)))
        plans.append(("mesh", try planned(.mesh)))
        if n >= 3 {
            let star = try CascadePlanner.bestStar(table)
            plans.append(("star via \(star.root), fan-out \(n - 1)", star))
            if cap < n - 1 {
                let capped = try CascadePlanner.bestStar(table, maxFanout: cap)
                plans.append(("capped star via \(capped.root)", capped))
            }
        }
        let single = try planned(.single)
        plans.append(("single on \(single.root)", single))

        let everyone = Set(table.ids)
        let regionOf = Dictionary(topology.bridges.map { ($0.id, $0.region) }, uniquingKeysWith: { a, _ in a })
        let area = { (bridge: String) in LongHaulAccounting.area(ofRegion: regionOf[bridge] ?? bridge) }
        let rows = plans.map {
            Row(name: $0.name, plan: $0.plan,
                longHaul: LongHaulAccounting.count($0.plan, participants: everyone, thresholdMs: thresholdMs, group: area))
        }
        return StrategyComparison(thresholdMs: thresholdMs, rows: rows)
    }

    /// A conference with participants in every region of `topology`, one
    /// bridge per region (`onePerRegion`), planned with the topology's
    /// `cascade:` fan-out cap.
    public static func everyRegion(_ topology: Topology,
                                   thresholdMs: Double = LongHaulAccounting.defaultThresholdMs)
        throws(CascadeError) -> StrategyComparison {
        let table = try BridgeLatencies(topology: topology).table(for: onePerRegion(topology))
        return try compare(topology, table: table, maxFanout: topology.cascade.maxFanout, thresholdMs: thresholdMs)
    }

    /// One bridge per region of `topology` (the first listed in each), in
    /// the topology's order: where a conference with participants in every
    /// region is placed when each region's participants share a bridge.
    public static func onePerRegion(_ topology: Topology) -> [String] {
        var seen: Set<String> = []
        return topology.bridges.compactMap { seen.insert($0.region).inserted ? $0.id : nil }
    }
}
