import Foundation
import Testing

struct TopologyCommandTests {
    @Test(arguments: ["topology/local.yaml", "topology/earth.yaml"])
    func checkAcceptsTheExampleTopologiesWithASummary(_ file: String) throws {
        let result = try MeridianProcess.run(["topology", "check", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(file): ok: topology"))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func checkRejectsEveryFileOfTheBrokenCorpusWithLocatedErrors() throws {
        let corpus = MeridianProcess.packageRoot.appendingPathComponent("Tests/TopologyTests/Corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 25)
        for name in files {
            let path = "Tests/TopologyTests/Corpus/\(name)"
            let result = try MeridianProcess.run(["topology", "check", path])
            #expect(result.status == 1, "\(name)")
            let located = result.stderr.split(separator: "\n").filter {
                $0.hasPrefix("\(path):") && $0.contains(": error: ")
            }
            #expect(!located.isEmpty, "\(name): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func showPrintsRegionsBridgesLatenciesAndTheOverlayPlan() throws {
        let result = try MeridianProcess.run(["topology", "show", "topology/earth.yaml"])
        #expect(result.status == 0)
        for expected in ["eu-central (50.11, 8.68)", "fra-1  media 198.18.0.10:10000", "round-trip latency, ms",
                         "overlay: wireguard 10.77.0.0/16", "fra-1  10.77.1.1  cascade 10.77.1.1:4096",
                         "capacity 400  metrics 10.77.1.1:9101", "control channel 0.0.0.0:8081, metrics 127.0.0.1:9090",
                         "trusted proxies: 198.18.0.2/32, 198.18.0.3/32", "auth: HS256 room tokens"] {
            #expect(result.stdout.contains(expected), "missing: \(expected)")
        }
        // Declared pairs print as is; others carry the estimate marker.
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  eu-central ") && $0.contains(" - ") })
        #expect(row.contains("88 ") && row.contains("*"))
    }

    @Test func showExplainsTheLatencyEstimateInItsHelp() throws {
        let result = try MeridianProcess.run(["topology", "show", "--help"])
        #expect(result.stdout.contains("2/3 of the speed of light"))
    }

    @Test func helpListsTheSubcommands() throws {
        let result = try MeridianProcess.run(["help"])
        #expect(result.stdout.contains("topology") && result.stdout.contains("keygen"))
    }
}
