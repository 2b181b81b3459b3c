import Foundation
import Topology

extension CascadePlanReport {
    /// Worst path and long-haul copies per stream for `tree`, `mesh`, the
    /// best star and `single`, participants on every planned bridge.
    static func comparison(_ topology: Topology, table: LatencyTable, plan: CascadeTree,
                           cap: Int, thresholdMs: Double) throws(CascadeError) -> [String] {
        let compared = try StrategyComparison.compare(topology, table: table, maxFanout: cap,
                                                      thresholdMs: thresholdMs, reusing: plan)
        let rows = compared.rows
        let reports = rows.map(\.longHaul)
        let origins = reports.first?.copiesPerOrigin.count ?? 0
        var lines = ["compared (participants on every bridge; long-haul = link RTT above \(ms(thresholdMs)) ms):"]
        let nameWidth = max(28, (rows.map(\.name.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
        lines.append("  " + pad("", nameWidth) + pad("worst path", 12) + "long-haul copies per stream (sum over \(origins) origins)")
        for (row, report) in zip(rows, reports) {
            let worst = row.plan.worstPath.map { ms($0.ms) + " ms" } ?? "-"
            let copies = row.plan.strategy == .single
                ? "0 (no cascade: participants reach the host directly)"
                : String(format: "%.2f (%d)", report.meanPerStream, report.totalCopies)
            lines.append("  " + pad(row.name, nameWidth) + pad(worst, 12) + copies)
        }

        let treeReport = reports[0], meshReport = reports[1]
        let keys = Set(treeReport.byPair.keys).union(meshReport.byPair.keys)
            .sorted { ($0.first, $0.second) < ($1.first, $1.second) }
        if !keys.isEmpty {
            lines.append("")
            lines.append("long-haul copies by area pair, summed over origins (area = region name up to its first '-'):")
            lines.append("  " + pad("areas", 12) + pad("tree", 7) + "mesh")
            for key in keys {
                lines.append("  " + pad(key.description, 12) + pad(String(treeReport.byPair[key] ?? 0), 7)
                             + String(meshReport.byPair[key] ?? 0))
            }
        }
        return lines
    }
}
