import Testing
@testable import Overlay

/// `meridian bench seal`'s harness runs and measures real work (no timing
/// assertions: figures are for the benchmark command, not for tests).
@Suite struct SealingBenchmarkTests {
    /// `run` throws if a datagram it sealed does not open; on both clocks
    /// every operation costs something measurable.
    @Test(arguments: [SealBenchmark.Configuration.Clock.wall, .threadCPU])
    func benchmarkOpensEverythingItSealsAndReportsFigures(clock: SealBenchmark.Configuration.Clock) throws {
        let figures = try SealBenchmark.run(.init(payloadSize: 1_100, batch: 8, rounds: 5, warmupRounds: 1, clock: clock))
        for figure in [figures.seal, figures.open, figures.rawSeal, figures.rawOpen] {
            #expect(figure.best > 0 && figure.median.isFinite && figure.mean.isFinite)
        }
        #expect(figures.sealRatio.isFinite && figures.openRatio.isFinite)
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
