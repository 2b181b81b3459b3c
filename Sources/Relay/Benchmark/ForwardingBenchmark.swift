import Foundation

/// `meridian bench forward` (DESIGN §6): CPU per forwarded packet and the
/// highest loss-free rate of one bridge forwarding a publisher's SRTP video
/// to N subscribers on loopback, against a C floor built and run in the same
/// invocation on the same load (`ForwardingReference`).
///
/// Both forwarders take turns on the same sockets: the publisher and the
/// subscribers live on the calling thread (`ForwardingLoad`), the bridge on
/// its media thread (`ForwardingBenchmarkHarness`), the reference in its
/// own process. CPU is each forwarding thread's own CPU clock (user +
/// system, which includes the kernel's loopback delivery to the
/// subscribers), divided by the packets it read; rounds alternate which
/// forwarder goes first so both see the same machine. Loss is counted at the
/// subscribers.
public enum ForwardingBenchmark {
    public struct Configuration: Sendable {
        /// RTP packet size (header, extensions, payload); SRTP adds 16 bytes.
        public var packetSize = 1_100
        public var fanOut = 8
        /// Offered rate (publisher packets/s) of the CPU measurement.
        public var cpuRate = 10_000.0
        public var cpuSeconds = 1.5
        public var rounds = 8
        /// The rate search starts here and grows by half until a step loses.
        public var startRate = 10_000.0
        public var maximumRate = 400_000.0
        public var stepSeconds = 1.0
        /// A step passes below this loss (0.001 = 0.1 %).
        public var lossLimit = 0.001
        /// Bisections between the last passing and the first failing rate.
        public var refinements = 4
        /// Skip the rate search (CPU figures only).
        public var searchRate = true

        public init() {}
    }

    /// One forwarder's figures.
    public struct TargetFigures: Sendable {
        /// CPU µs per publisher packet (each forwarded to `fanOut` receivers), one per round.
        public var cpuMicroseconds: [Double] = []
        /// Loss in the CPU rounds (should be 0: the rate is well below capacity).
        public var cpuLoss: [Double] = []
        /// Highest publisher rate whose step lost less than `lossLimit`.
        public var highestRate: Double?
        public var verified = 0
        public var drops: UInt64 = 0

        public var medianCPUMicroseconds: Double {
            let sorted = cpuMicroseconds.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }

    public struct Figures: Sendable {
        public var configuration: Configuration
        public var referenceCommand: String
        public var meridian = TargetFigures()
        public var reference = TargetFigures()
        public var ratio: Double { meridian.medianCPUMicroseconds / reference.medianCPUMicroseconds }
    }

    /// Runs the whole benchmark; `progress` gets one line per step.
    public static func run(_ configuration: Configuration,
                           progress: (String) -> Void = { _ in }) throws(ForwardingBenchmarkError) -> Figures {
        guard configuration.fanOut >= 1, configuration.fanOut <= 16 else {
            throw .invalidConfiguration("fan-out must be 1…16")
        }
        guard configuration.cpuRate > 0, configuration.cpuSeconds > 0, configuration.rounds >= 1,
              configuration.startRate > 0, configuration.stepSeconds > 0, configuration.maximumRate >= configuration.startRate,
              configuration.lossLimit > 0, configuration.refinements >= 0 else {
            throw .invalidConfiguration("rates, durations and counts must be positive")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("meridian-bench-forward-\(getpid())")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .setup("cannot create \(directory.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let (executable, command) = try ForwardingReference.build(in: directory)
        progress("built the reference: \(command)")

        let load = try ForwardingLoad(packetSize: configuration.packetSize, subscribers: configuration.fanOut)
        let meridianLegs = try ForwardingLegs(subscribers: configuration.fanOut)
        let referenceLegs = try ForwardingLegs(subscribers: configuration.fanOut, publisherSSRC: 0x2222_2222,
                                               announcedSSRC: 0x5555_0002)
        let harness = try ForwardingBenchmarkHarness(legs: meridianLegs, publisher: load.publisherSocket.localAddress,
                                                     subscribers: load.subscriberAddresses)
        harness.start()
        defer { harness.stop() }
        let reference = try ForwardingReference(executable: executable, legs: referenceLegs,
                                                subscribers: load.subscriberAddresses)
        defer { reference.stop() }
        var runs = [Run(target: harness, stream: try ForwardingLoad.Stream(legs: meridianLegs)),
                    Run(target: reference, stream: try ForwardingLoad.Stream(legs: referenceLegs))]

        // Warm-up: caches, libsrtp's per-SSRC streams, page faults in the slots.
        for index in runs.indices {
            _ = try runs[index].measure(load, rate: configuration.cpuRate, seconds: 0.5)
        }
        for round in 0..<configuration.rounds {
            for index in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                let result = try runs[index].measure(load, rate: configuration.cpuRate, seconds: configuration.cpuSeconds)
                runs[index].figures.cpuMicroseconds.append(result.cpuMicroseconds)
                runs[index].figures.cpuLoss.append(result.step.lossFraction)
                progress("cpu round \(round + 1)  \(padded(runs[index].target.name))"
                    + String(format: "%8.2f µs/packet  loss %.4f %%", result.cpuMicroseconds, 100 * result.step.lossFraction))
            }
        }
        if configuration.searchRate {
            for index in runs.indices {
                runs[index].figures.highestRate = try runs[index].highestRate(load, configuration, progress: progress)
            }
        }
        return Figures(configuration: configuration, referenceCommand: command,
                       meridian: runs[0].figures, reference: runs[1].figures)
    }

    private static func padded(_ name: String) -> String {
        name + String(repeating: " ", count: max(1, 11 - name.count))
    }

    /// One step of load and what it cost the forwarder.
    private struct Measurement {
        var step: ForwardingLoad.Step
        var cpuMicroseconds: Double
    }

    /// One forwarder, its stream of the load, and what was measured.
    private struct Run {
        let target: any ForwardingTarget
        let stream: ForwardingLoad.Stream
        var figures = TargetFigures()

        /// Offers `rate` for `seconds`; CPU µs per packet the forwarder read.
        mutating func measure(_ load: ForwardingLoad, rate: Double,
                              seconds: Double) throws(ForwardingBenchmarkError) -> Measurement {
            let before = try target.snapshot()
            var step = load.run(stream, to: target.address, rate: rate, count: max(1, Int(rate * seconds)))
            let after = try settle(load, step: &step)
            figures.verified += step.verified
            figures.drops += after.drops - before.drops
            guard step.verifyFailures == 0 else {
                throw .verificationFailed(target: target.name, failures: step.verifyFailures, verified: step.verified,
                                          first: step.firstFailure ?? "")
            }
            let packets = after.packetsIn - before.packetsIn
            let cpu = Double(after.cpuNanoseconds - before.cpuNanoseconds)
            return Measurement(step: step, cpuMicroseconds: packets > 0 ? cpu / Double(packets) / 1_000 : .nan)
        }

        /// Waits until the forwarder has read everything it is going to (its
        /// input counter stood still for 20 ms; at most 3 s), collecting the
        /// last copies, so no step's backlog runs into the next step or into
        /// the other forwarder's turn.
        private func settle(_ load: ForwardingLoad,
                            step: inout ForwardingLoad.Step) throws(ForwardingBenchmarkError) -> ForwardingSnapshot {
            var last = try target.snapshot()
            let deadline = monotonicNanoseconds() + 3_000_000_000
            while monotonicNanoseconds() < deadline {
                sleepUntil(monotonicNanoseconds: monotonicNanoseconds() + 20_000_000)
                load.drainAll(stream, into: &step)
                let now = try target.snapshot()
                defer { last = now }
                if now.packetsIn == last.packetsIn { break }
            }
            load.drainAll(stream, into: &step)
            return last
        }

        /// Grows the rate by half until a step loses `lossLimit` or more,
        /// then bisects; a failing step is retried once (the machine is
        /// shared, one descheduling can lose a burst).
        mutating func highestRate(_ load: ForwardingLoad, _ configuration: Configuration,
                                  progress: (String) -> Void) throws(ForwardingBenchmarkError) -> Double {
            func passes(_ rate: Double) throws(ForwardingBenchmarkError) -> Bool {
                for attempt in 1...2 {
                    let step = try measure(load, rate: rate, seconds: configuration.stepSeconds).step
                    let pass = step.lossFraction < configuration.lossLimit
                    progress("rate  \(padded(target.name))" + String(format: "%9.0f packets/s  loss %.4f %%  ", rate, 100 * step.lossFraction)
                        + (pass ? "pass" : attempt == 1 ? "fail, retrying" : "fail"))
                    if pass { return true }
                }
                return false
            }
            var passing = 0.0
            var failing: Double?
            var rate = configuration.startRate
            while failing == nil, rate <= configuration.maximumRate {
                if try passes(rate) { passing = rate; rate *= 1.5 } else { failing = rate }
            }
            guard var failing else { return passing }
            for _ in 0..<configuration.refinements {
                let middle = ((passing + failing) / 2 / 100).rounded() * 100
                guard middle > passing, middle < failing else { break }
                if try passes(middle) { passing = middle } else { failing = middle }
            }
            return passing
        }
    }
}
