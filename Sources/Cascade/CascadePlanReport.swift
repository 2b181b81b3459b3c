import Foundation
import Topology

/// The text of `meridian topology plan`: the cascade a conference over some
/// bridges would get, what each pair of bridges pays along it, and the
/// long-haul copies per stream under `tree` versus `mesh` — what an operator
/// reads before changing `cascade:` or adding a bridge.
public enum CascadePlanReport {
    /// Plans `bridges` (all of the topology's when `nil`) with `strategy` and
    /// `maxFanout` (the topology's `cascade:` settings when `nil`).
    public static func render(_ topology: Topology, bridges: [String]? = nil,
                              strategy: CascadeStrategy? = nil, maxFanout: Int? = nil,
                              thresholdMs: Double = LongHaulAccounting.defaultThresholdMs) throws(CascadeError) -> String {
        let latencies = BridgeLatencies(topology: topology)
        let table = try latencies.table(for: bridges ?? topology.bridges.map(\.id))
        let cap = maxFanout ?? topology.cascade.maxFanout
        let chosen = strategy ?? topology.cascade.strategy
        let plan = try CascadePlanner(strategy: chosen, maxFanout: cap).plan(table)

        var out = ["cascade plan for topology \(topology.name): \(table.count) bridges, strategy \(chosen.rawValue)"
                   + (chosen == .tree ? ", max fan-out \(cap)" : "")]
        out.append("RTTs in ms: * estimated from coordinates, ~ live, otherwise declared latency-ms")
        out.append("")
        out += layout(plan, table: table)
        out.append("")
        out += pairs(plan, table: table)
        out.append("")
        out += try comparison(topology, table: table, plan: plan, cap: cap, thresholdMs: thresholdMs)
        return out.joined(separator: "\n")
    }

    static func ms(_ value: Double) -> String { String(format: "%.0f", value) }

    static func mark(_ source: LatencySource) -> String {
        switch source {
        case .live: return "~"
        case .declared: return ""
        case .estimated: return "*"
        }
    }

    static func layout(_ plan: CascadeTree, table: LatencyTable) -> [String] {
        switch plan.strategy {
        case .single:
            var lines = ["single: the whole conference on \(plan.root); participants move there from"]
            for move in plan.relocations {
                let source = table.rtt(move.bridge, plan.root).map { mark($0.source) } ?? ""
                lines.append("  \(move.bridge)  \(ms(move.rttToHostMs))\(source) ms to \(plan.root)")
            }
            if plan.relocations.isEmpty { lines.append("  (nobody: it is the only bridge)") }
            return lines
        case .mesh:
            return ["mesh: every bridge linked to every other, \(plan.edges.count) links (the direct RTTs below)"]
        case .tree:
            var lines = ["tree (\(plan.edges.count) links), drawn from its centre \(plan.root); link RTT after each bridge:"]
            lines.append("  \(plan.root)")
            func walk(_ node: String, parent: String?, prefix: String) {
                let children = plan.neighbours(of: node).filter { $0 != parent }
                for (k, child) in children.enumerated() {
                    let last = k == children.count - 1
                    let rtt = table.rtt(node, child)
                    let figure = rtt.map { "\(ms($0.ms))\(mark($0.source))" } ?? "?"
                    lines.append("  \(prefix)\(last ? "└─ " : "├─ ")\(child)  \(figure)")
                    walk(child, parent: node, prefix: prefix + (last ? "   " : "│  "))
                }
            }
            walk(plan.root, parent: nil, prefix: "")
            return lines
        }
    }

    static func pairs(_ plan: CascadeTree, table: LatencyTable) -> [String] {
        let ids = table.ids
        let width = max(6, (ids.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int = width) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
        var lines: [String] = []
        if let worst = plan.worstPath {
            let direct = table.rtt(worst.from, worst.to).map { ms($0.ms) + mark($0.source) } ?? "?"
            let how = plan.strategy == .single ? "through \(plan.root)" : "along the plan, \(worst.hops) link\(worst.hops == 1 ? "" : "s")"
            lines.append("worst path: \(worst.from) – \(worst.to)  \(ms(worst.ms)) ms \(how) (direct RTT \(direct) ms)")
        } else {
            lines.append("worst path: none (one bridge)")
        }
        guard ids.count > 1 else { return lines }
        let header = plan.strategy == .single ? "via host" : "path"
        lines.append("each pair of bridges, ms:")
        lines.append("  " + pad("from") + pad("to") + pad(header, 10) + pad("direct", 9) + "links")
        for (i, a) in ids.enumerated() {
            for b in ids[(i + 1)...] {
                let direct = table.rtt(a, b).map { ms($0.ms) + mark($0.source) } ?? "?"
                let (path, hops) = viaPlan(plan, a, b, table: table)
                lines.append("  " + pad(a) + pad(b) + pad(path, 10) + pad(direct, 9) + hops)
            }
        }
        return lines
    }

    /// A pair's latency and link count under the plan; for `single`, through the host.
    static func viaPlan(_ plan: CascadeTree, _ a: String, _ b: String, table: LatencyTable) -> (String, String) {
        if plan.strategy == .single {
            let total = (table.rtt(a, plan.root)?.ms ?? 0) + (table.rtt(plan.root, b)?.ms ?? 0)
            return (ms(total), "-")
        }
        guard let latency = plan.pathLatency(a, b), let hops = plan.hops(a, b) else { return ("?", "?") }
        return (ms(latency), String(hops))
    }
}
