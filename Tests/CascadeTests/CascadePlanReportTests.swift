import Cascade
import Testing
import Topology

/// The text of `meridian topology plan`.
@Suite struct CascadePlanReportTests {
    @Test func earthReportDrawsTheTreeFromItsCentreAndComparesStrategies() throws {
        let text = try CascadePlanReport.render(try Fixtures.topology("earth"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "cascade plan for topology earth: 12 bridges, strategy tree, max fan-out 4")
        #expect(lines.contains("tree (11 links), drawn from its centre dub-1; link RTT after each bridge:"))
        #expect(lines.contains("  └─ nrt-1  106*"))
        #expect(lines.contains("     └─ syd-1  88*"))
        #expect(lines.contains("worst path: pdx-1 – syd-1  311 ms along the plan, 4 links (direct RTT 136* ms)"))
        // Every pair once: 66 rows after the header.
        let header = try #require(lines.firstIndex { $0.hasPrefix("  from") })
        #expect(lines[(header + 1)...].prefix { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.count == 66)
        #expect(lines.contains { $0.hasPrefix("  tree, max fan-out 4") && $0.contains("311 ms") && $0.hasSuffix("7.00 (84)") })
        #expect(lines.contains { $0.hasPrefix("  mesh") && $0.contains("195 ms") && $0.hasSuffix("10.17 (122)") })
        #expect(lines.contains { $0.hasPrefix("  star via dub-1, fan-out 11") && $0.contains("304 ms") })
        #expect(lines.contains { $0.hasPrefix("  capped star via") })
        #expect(lines.contains { $0.hasPrefix("  eu~us") && $0.hasSuffix("24     18") })
    }

    @Test func singleReportNamesTheHostAndWhoMoves() throws {
        let text = try CascadePlanReport.render(try Fixtures.topology("earth"), bridges: ["sin-1", "fra-1", "iad-1"],
                                                strategy: .single)
        #expect(text.contains("single: the whole conference on fra-1; participants move there from\n  iad-1  88 ms to fra-1\n  sin-1  158 ms to fra-1"))
        #expect(text.contains("worst path: iad-1 – sin-1  246 ms through fra-1"))
    }

    @Test func unknownBridgeIsAnErrorNamingTheKnownOnes() throws {
        let topology = try Fixtures.topology("local")
        #expect(throws: CascadeError.unknownBridge("fra-9", known: ["fra-1", "fra-2", "iad-1", "sin-1"])) {
            try CascadePlanReport.render(topology, bridges: ["fra-1", "fra-9"])
        }
        let message = CascadeError.unknownBridge("fra-9", known: ["fra-1", "fra-2"]).description
        #expect(message == "unknown bridge 'fra-9' (the topology declares: fra-1, fra-2)")
    }
}
