import Testing
@testable import Overlay

/// `meridian bench seal`'s harness runs and measures real work (no timing
/// assertions: figures are for the benchmark command, not for tests).
@Suite struct SealingBenchmarkTests {
    @Test func benchmarkOpensEverythingItSealsAndReportsFigures() throws {
        let figures = try SealBenchmark.run(.init(payloadSize: 1_100, batch: 8, rounds: 5, warmupRounds: 1))
        for figure in [figures.seal, figures.open, figures.rawSeal, figures.rawOpen] {
            #expect(figure.best > 0 && figure.best <= figure.median)
        }
        #expect(figures.sealRatio > 0 && figures.openRatio > 0)
    }

    @Test(arguments: SealingFixture.suites)
    func benchmarkMeasuresTheSuiteItIsAskedFor(suite: EnvelopeCipher.Suite) throws {
        let figures = try SealBenchmark.run(.init(payloadSize: 1_100, batch: 8, rounds: 3, warmupRounds: 1, suite: suite))
        #expect(figures.suite == suite)
    }

    @Test func benchmarkDefaultsToWhatTwoBridgesHereNegotiate() throws {
        let figures = try SealBenchmark.run(.init(payloadSize: 1_100, batch: 8, rounds: 3, warmupRounds: 1))
        #expect(figures.suite == (EnvelopeCipher.Suite.aes256GCM.isAvailable ? .aes256GCM : .chacha20Poly1305))
    }

    @Test func benchmarkRefusesNonsenseConfiguration() {
        #expect(throws: SealBenchmark.Failure.self) {
            try SealBenchmark.run(.init(payloadSize: 1_100, batch: 0, rounds: 5))
        }
    }
}
