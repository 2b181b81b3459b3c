import Testing
@testable import Relay

/// `meridian bench forward` end to end, briefly: the C reference builds with
/// the system compiler and libsrtp2, both forwarders serve the same load, and
/// the subscribers decrypt what each forwarded. (The figures themselves are
/// for a release build; see Sources/Relay/README.md.)
@Suite("Forwarding benchmark")
struct ForwardingBenchmarkTests {
    @Test func bothForwardersDeliverVerifiedCopiesAndReportCPU() throws {
        var configuration = ForwardingBenchmark.Configuration()
        configuration.cpuRate = 2_000
        configuration.cpuSeconds = 0.3
        configuration.rounds = 1
        configuration.searchRate = false
        let figures = try ForwardingBenchmark.run(configuration)
        for target in [figures.meridian, figures.reference] {
            #expect(target.verified > 0)
            #expect(target.drops == 0)
            #expect(target.cpuMicroseconds.count == 1)
            #expect(target.medianCPUMicroseconds > 0 && target.medianCPUMicroseconds.isFinite)
        }
        #expect(figures.referenceCommand.hasPrefix("cc -O2 forward_reference.c"))
    }

    @Test func rejectsAFanOutTheReferenceCannotServe() {
        var configuration = ForwardingBenchmark.Configuration()
        configuration.fanOut = 17
        #expect(throws: ForwardingBenchmarkError.self) { try ForwardingBenchmark.run(configuration) }
    }
}
