import Overlay

/// `meridian bench cascade` (DESIGN §6, "cascade hop cost, goal ≤ 2 µs per
/// packet"): CPU per media packet for one transit hop — open, route, cache,
/// copy, seal, send — against two floors measured in the same run.
///
/// - hop: a transit bridge between two real bridges on loopback
///   (`CascadeHopHarness`); this thread's CPU clock around its
///   `receiveCascade` only, divided by the copies it forwarded.
/// - kernel floor: recvmmsg + sendmmsg of as many datagrams of the same size
///   with nothing between (`CascadeKernelFloor`).
/// - crypto floor: `SealRegistry.open` + `seal` of a frame of the same size
///   in memory (`SealBenchmark`, batches of 32), and the bare libsodium AEAD
///   calls under them — under the cipher suite the bridges negotiated (on a
///   CPU with AES-NI, AES-256-GCM).
///
/// Rounds rotate which of the three goes first so all see the same machine;
/// each figure is the median over rounds. The hop minus the kernel floor is
/// Meridian's own work (open + route + seal + the bookkeeping around them),
/// the figure the 2 µs goal is about. The downstream bridge must open, route
/// and deliver every copy, and sampled packets must arrive octet for octet,
/// or the run fails: a broken path cannot produce a figure.
public enum CascadeHopBenchmark {
    public struct Configuration: Sendable {
        /// RTP packet size (header + payload) inside each frame.
        public var packetSize = 1_100
        /// Media packets per round and per measurement (rounded up to bursts of 32).
        public var packets = 32_000
        public var rounds = 7
        /// Packets of each measurement before the first round, not counted.
        public var warmUpPackets = 3_200

        public init() {}
    }

    /// Microseconds per packet, one entry per round.
    public struct Series: Sendable {
        public var rounds: [Double] = []
        public var median: Double { CascadeHopBenchmark.median(rounds) }
    }

    public struct Figures: Sendable {
        public var configuration: Configuration
        /// The frame (stream header + RTP) and the sealed datagram on the wire.
        public var frameLength = 0
        public var datagramLength = 0
        /// The AEAD fra-1's links negotiated (iad-1 → fra-1 and fra-1 → sin-1
        /// agree, or the run fails); the crypto floor is measured under it.
        public var suite = EnvelopeCipher.Suite.chacha20Poly1305
        public var hop = Series()
        public var kernelFloor = Series()
        /// `SealRegistry.open` + `seal` of one frame.
        public var cryptoFloor = Series()
        /// The bare AEAD calls under them (decrypt + encrypt, libsodium).
        public var rawAEAD = Series()
        /// Packets the upstream bridge sent, the transit bridge forwarded,
        /// the downstream bridge opened and accepted, and its receiver got.
        public var sent = 0
        public var forwarded = 0
        public var receivedDownstream = 0
        public var delivered = 0
        /// Sampled packets compared octet for octet at the downstream bridge.
        public var compared = 0

        /// Meridian's own work per hop: hop − kernel floor, median over rounds of the per-round difference.
        public var ownWork: Double {
            CascadeHopBenchmark.median(zip(hop.rounds, kernelFloor.rounds).map { $0 - $1 })
        }
        /// Of it, what is not the sealed envelope's crypto: lookups, routing, cache, copies.
        public var ownWorkBeyondCrypto: Double { ownWork - cryptoFloor.median }
        public var hopOverKernel: Double { hop.median / kernelFloor.median }
        public var ownWorkOverCrypto: Double { ownWork / cryptoFloor.median }
        /// DESIGN §6: open + route + seal (no kernel) ≤ 2 µs per packet.
        public static let goalMicroseconds = 2.0
        public var meetsGoal: Bool { ownWork <= Self.goalMicroseconds }
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalidConfiguration(String)
        case setup(String)
        /// The hop lost, dropped or altered packets: its figure would measure a broken path.
        case verificationFailed(String)

        public var description: String {
            switch self {
            case .invalidConfiguration(let why): "invalid benchmark configuration: \(why)"
            case .setup(let why): "benchmark setup failed: \(why)"
            case .verificationFailed(let why): "the cascade hop did not deliver what it was sent: \(why)"
            }
        }
    }

    /// Runs the whole benchmark; `progress` gets one line per measurement.
    public static func run(_ configuration: Configuration,
                           progress: (String) -> Void = { _ in }) throws(Failure) -> Figures {
        guard configuration.packets >= 1, configuration.rounds >= 1, configuration.warmUpPackets >= 0 else {
            throw .invalidConfiguration("packets and rounds must be positive")
        }
        let bursts = (configuration.packets + CascadeHopHarness.burst - 1) / CascadeHopHarness.burst
        let harness = try CascadeHopHarness(packetSize: configuration.packetSize)
        let floor = try CascadeKernelFloor(datagramLength: harness.datagramLength)
        var figures = Figures(configuration: configuration)
        figures.frameLength = harness.frameLength
        figures.datagramLength = harness.datagramLength
        let suites = harness.hopSuites
        guard let suite = suites.inbound, suites.outbound == suite else {
            throw .setup("the hop's links negotiated different or no cipher suites: \(suites)")
        }
        figures.suite = suite

        let warmUpBursts = (configuration.warmUpPackets + CascadeHopHarness.burst - 1) / CascadeHopHarness.burst
        if warmUpBursts > 0 {
            _ = try measureHop(harness, bursts: warmUpBursts)
            _ = measureKernel(floor, bursts: warmUpBursts)
            _ = try measureCrypto(frameLength: harness.frameLength, suite: suite, bursts: warmUpBursts)
        }
        let start = harness.tally
        let dropsBefore = harness.drops
        for round in 0..<configuration.rounds {
            for step in 0..<3 {
                switch (round + step) % 3 {
                case 0:
                    let hop = try measureHop(harness, bursts: bursts)
                    figures.hop.rounds.append(hop)
                    progress(String(format: "round %d  hop           %7.3f µs/packet", round + 1, hop))
                case 1:
                    let kernel = measureKernel(floor, bursts: bursts)
                    figures.kernelFloor.rounds.append(kernel)
                    progress(String(format: "round %d  kernel floor  %7.3f µs/packet", round + 1, kernel))
                default:
                    let (crypto, raw) = try measureCrypto(frameLength: harness.frameLength, suite: suite,
                                                          bursts: bursts)
                    figures.cryptoFloor.rounds.append(crypto)
                    figures.rawAEAD.rounds.append(raw)
                    progress(String(format: "round %d  crypto floor  %7.3f µs/packet (raw AEAD %.3f)", round + 1, crypto, raw))
                }
            }
        }
        let end = harness.tally
        figures.sent = end.sent - start.sent
        figures.forwarded = end.forwarded - start.forwarded
        figures.receivedDownstream = end.received - start.received
        figures.delivered = end.delivered - start.delivered
        figures.compared = end.compared - start.compared
        try verify(figures, mismatches: end.mismatches - start.mismatches, drops: harness.drops - dropsBefore,
                   floorForwarded: floor.forwarded, floorDelivered: floor.delivered)
        return figures
    }

    /// µs of the transit bridge's CPU per forwarded copy over `bursts` bursts.
    private static func measureHop(_ harness: CascadeHopHarness, bursts: Int) throws(Failure) -> Double {
        var cpu: UInt64 = 0
        var forwarded = 0
        for _ in 0..<bursts {
            harness.sendBurst()
            let burst = harness.forwardBurst()
            cpu += burst.cpuNanoseconds
            forwarded += burst.forwarded
            harness.drainDownstream()
        }
        guard forwarded > 0 else { throw .verificationFailed("the transit bridge forwarded nothing") }
        return Double(cpu) / Double(forwarded) / 1_000
    }

    private static func measureKernel(_ floor: CascadeKernelFloor, bursts: Int) -> Double {
        var cpu: UInt64 = 0
        var forwarded = 0
        for _ in 0..<bursts {
            floor.sendBurst()
            let burst = floor.forwardBurst()
            cpu += burst.cpuNanoseconds
            forwarded += burst.forwarded
            floor.drain()
        }
        return forwarded > 0 ? Double(cpu) / Double(forwarded) / 1_000 : .nan
    }

    /// µs per open + seal through `SealRegistry`, and per bare decrypt +
    /// encrypt: this thread's CPU time over every packet, the same clock and
    /// statistic as the hop and the kernel floor, so the three can be subtracted.
    private static func measureCrypto(frameLength: Int, suite: EnvelopeCipher.Suite,
                                      bursts: Int) throws(Failure) -> (Double, Double) {
        let configuration = SealBenchmark.Configuration(payloadSize: frameLength, batch: CascadeHopHarness.burst,
                                                        rounds: bursts, warmupRounds: 2, suite: suite, clock: .threadCPU)
        let figures: SealBenchmark.Figures
        do { figures = try SealBenchmark.run(configuration) } catch { throw .setup("crypto floor: \(error)") }
        return ((figures.open.mean + figures.seal.mean) / 1_000,
                (figures.rawOpen.mean + figures.rawSeal.mean) / 1_000)
    }

    private static func verify(_ figures: Figures, mismatches: Int, drops: UInt64,
                               floorForwarded: Int, floorDelivered: Int) throws(Failure) {
        let expected = figures.hop.rounds.count * ((figures.configuration.packets + CascadeHopHarness.burst - 1)
            / CascadeHopHarness.burst) * CascadeHopHarness.burst
        var problems: [String] = []
        if figures.sent != expected { problems.append("upstream sent \(figures.sent) of \(expected)") }
        if figures.forwarded != figures.sent { problems.append("transit forwarded \(figures.forwarded) of \(figures.sent)") }
        if figures.receivedDownstream != figures.forwarded {
            problems.append("downstream opened and accepted \(figures.receivedDownstream) of \(figures.forwarded)")
        }
        if figures.delivered != figures.receivedDownstream {
            problems.append("downstream's receiver got \(figures.delivered) of \(figures.receivedDownstream)")
        }
        if mismatches > 0 { problems.append("\(mismatches) of \(figures.compared) sampled packets differed") }
        if drops > 0 { problems.append("\(drops) drops on the transit or downstream bridge") }
        if floorDelivered != floorForwarded { problems.append("kernel floor delivered \(floorDelivered) of \(floorForwarded)") }
        guard problems.isEmpty else { throw .verificationFailed(problems.joined(separator: "; ")) }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
