import CSodium
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `meridian bench seal`: nanoseconds per `SealRegistry.seal` and `open` of one
/// datagram under one cipher suite, against the bare libsodium calls they wrap
/// (`crypto_aead_aes256gcm_*_detached` or
/// `crypto_aead_chacha20poly1305_ietf_*_detached`, with the same key size,
/// nonce, associated data and buffer layout), measured
/// in the same process, on the same buffers, interleaved round by round so both
/// see the same CPU frequency and cache state.
///
/// The registry side is the full packet path: handle lookup, session limits,
/// header, nonce, AEAD, counter; and on open: header parse, link and key
/// lookup, replay window check and commit. Each round seals a batch of
/// datagrams, then opens them (so the opens are genuine fresh packets); the
/// figure is the median over rounds of ns per packet. The suite is the one the
/// two registries negotiate: by default what this CPU offers (AES-256-GCM
/// with AES-NI), or the one `Configuration.suite` forces through their policy.
public enum SealBenchmark {
    public struct Configuration: Sendable {
        public var payloadSize: Int
        public var batch: Int
        public var rounds: Int
        public var warmupRounds: Int
        /// The suite to measure; `nil`: whatever two default bridges negotiate here.
        public var suite: EnvelopeCipher.Suite?
        /// Wall time (`bench seal`), or this thread's CPU time — for figures
        /// set against other CPU-time figures (`bench cascade`'s crypto floor).
        public var clock: Clock

        public enum Clock: Sendable {
            case wall
            case threadCPU
        }

        public init(payloadSize: Int = 1_100, batch: Int = 256, rounds: Int = 400, warmupRounds: Int = 20,
                    suite: EnvelopeCipher.Suite? = nil, clock: Clock = .wall) {
            self.payloadSize = payloadSize
            self.batch = batch
            self.rounds = rounds
            self.warmupRounds = warmupRounds
            self.suite = suite
            self.clock = clock
        }
    }

    /// ns per packet for one operation: the median and best round, and the
    /// mean over every packet (what a total-CPU-over-packets figure compares with).
    public struct Figure: Sendable {
        public let median: Double
        public let best: Double
        public let mean: Double
    }

    public struct Figures: Sendable {
        public let configuration: Configuration
        /// The suite the registries negotiated and the raw calls used.
        public let suite: EnvelopeCipher.Suite
        public let seal: Figure
        public let open: Figure
        public let rawSeal: Figure
        public let rawOpen: Figure
        public var sealRatio: Double { seal.median / rawSeal.median }
        public var openRatio: Double { open.median / rawOpen.median }
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalidConfiguration(String)
        case setup(String)
        case openFailed(String)
        case unavailable(EnvelopeCipher.Suite)

        public var description: String {
            switch self {
            case .invalidConfiguration(let why): "invalid benchmark configuration: \(why)"
            case .setup(let why): "benchmark setup failed: \(why)"
            case .openFailed(let why): "a datagram sealed by the benchmark did not open: \(why)"
            case .unavailable(let suite): "\(suite) is not available on this CPU (needs AES-NI and PCLMULQDQ)"
            }
        }
    }

    public static func run(_ configuration: Configuration = Configuration()) throws(Failure) -> Figures {
        guard configuration.payloadSize >= 0, configuration.batch > 0, configuration.rounds > 0,
              configuration.warmupRounds >= 0 else {
            throw .invalidConfiguration("sizes and counts must be positive")
        }
        if let suite = configuration.suite, !suite.isAvailable { throw .unavailable(suite) }
        // Forcing ChaCha: offer only it. Forcing AES-GCM: offer both (it is preferred).
        let ciphers: Set<EnvelopeCipher.Suite> = configuration.suite == .chacha20Poly1305
            ? [.chacha20Poly1305] : EnvelopeCipher.Suite.available
        let (sender, receiver, peer) = try connectedPair(ciphers: ciphers)
        guard let suite = sender.status(peer)?.suite else { throw .setup("no session suite") }
        if let wanted = configuration.suite, wanted != suite { throw .setup("negotiated \(suite), not \(wanted)") }
        let now = ContinuousClock.now
        let stride = (SealHeader.sealedSize(payloadLength: configuration.payloadSize) + 63) & ~63
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: stride * configuration.batch, alignment: 64)
        defer { memory.deallocate() }
        randombytes_buf(memory.baseAddress!, memory.count)
        let rawKey = SecretBytes.random(count: EnvelopeCipher.keySize)
        let sealedLength = SealHeader.sealedSize(payloadLength: configuration.payloadSize)
        func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(rebasing: memory[(index * stride)..<(index * stride + sealedLength)])
        }

        var samples: [[Double]] = Array(repeating: [], count: 4)
        var rawCounter: UInt64 = 0
        for round in 0..<(configuration.warmupRounds + configuration.rounds) {
            var elapsed = [Double](repeating: 0, count: 4)
            let order = round.isMultiple(of: 2) ? [0, 1] : [1, 0]
            for group in order {
                if group == 0 {
                    elapsed[0] = try time(configuration.clock) { () throws(Failure) in
                        for index in 0..<configuration.batch {
                            do throws(SealError) {
                                _ = try sender.seal(to: peer, payloadLength: configuration.payloadSize,
                                                    in: slot(index), now: now)
                            } catch { throw Failure.setup(error.description) }
                        }
                    }
                    elapsed[1] = try time(configuration.clock) { () throws(Failure) in
                        for index in 0..<configuration.batch {
                            guard case .payload = receiver.open(slot(index), now: now) else {
                                throw Failure.openFailed("\(receiver.counters)")
                            }
                        }
                    }
                } else {
                    let first = rawCounter
                    elapsed[2] = try time(configuration.clock) { () throws(Failure) in
                        for index in 0..<configuration.batch {
                            rawSeal(suite, slot(index), payloadLength: configuration.payloadSize,
                                    counter: first &+ UInt64(index), key: rawKey)
                        }
                    }
                    elapsed[3] = try time(configuration.clock) { () throws(Failure) in
                        for index in 0..<configuration.batch {
                            guard rawOpen(suite, slot(index), counter: first &+ UInt64(index), key: rawKey) else {
                                throw Failure.openFailed("raw crypto_aead reference")
                            }
                        }
                    }
                    rawCounter &+= UInt64(configuration.batch)
                }
            }
            guard round >= configuration.warmupRounds else { continue }
            for operation in 0..<4 { samples[operation].append(elapsed[operation] / Double(configuration.batch)) }
        }
        let figures = samples.map { values -> Figure in
            let sorted = values.sorted()
            return Figure(median: sorted[sorted.count / 2], best: sorted[0], mean: values.reduce(0, +) / Double(values.count))
        }
        return Figures(configuration: configuration, suite: suite, seal: figures[0], open: figures[1],
                       rawSeal: figures[2], rawOpen: figures[3])
    }

    /// Two in-process registries with a completed handshake; returns the sender,
    /// the receiver, and the receiver's handle at the sender.
    static func connectedPair(ciphers: Set<EnvelopeCipher.Suite>) throws(Failure)
        -> (SealRegistry, SealRegistry, SealPeerHandle) {
        let keyA = KeyPair.generate(), keyB = KeyPair.generate()
        let a: SealRegistry, b: SealRegistry
        let policy = SealPolicy(ciphers: ciphers)
        do {
            a = try SealRegistry(localId: "bench-a", localKey: keyA,
                                 peers: [SealPeerIdentity(id: "bench-b", publicKey: keyB.publicKey)], policy: policy)
            b = try SealRegistry(localId: "bench-b", localKey: keyB,
                                 peers: [SealPeerIdentity(id: "bench-a", publicKey: keyA.publicKey)], policy: policy)
        } catch { throw .setup(error.description) }
        guard let peer = a.peer(id: "bench-b"), let hello = a.connect(to: peer, now: .now) else {
            throw .setup("no hello")
        }
        var inFlight: [(to: SealRegistry, datagram: [UInt8])] = [(b, hello.datagram)]
        while let (target, datagram) = inFlight.popLast() {
            var copy = datagram
            let result = copy.withUnsafeMutableBytes { target.open($0, now: .now) }
            switch result {
            case .handshake(_, let reply?): inFlight.append((target === a ? b : a, reply))
            case .handshake(_, nil), .payload: break
            case .dropped(let reason): throw .setup("handshake datagram dropped: \(reason)")
            }
        }
        guard a.status(peer)?.state == .established else { throw .setup("handshake did not complete") }
        return (a, b, peer)
    }

    /// Nanoseconds `body` took on `clock`.
    private static func time(_ clock: Configuration.Clock, _ body: () throws(Failure) -> Void) throws(Failure) -> Double {
        switch clock {
        case .wall:
            let start = ContinuousClock.now
            try body()
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        case .threadCPU:
            let start = threadCPUNanoseconds()
            try body()
            return Double(threadCPUNanoseconds() - start)
        }
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    private static func rawSeal(_ suite: EnvelopeCipher.Suite, _ buffer: UnsafeMutableRawBufferPointer,
                                payloadLength: Int, counter: UInt64, key: SecretBytes) {
        var nonce = rawNonce(counter)
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        _ = withUnsafeBytes(of: &nonce) { nonceBytes in
            let nonce = nonceBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch suite {
            case .aes256GCM:
                return crypto_aead_aes256gcm_encrypt_detached(
                    base + 16, base + 16 + payloadLength, nil, base + 16, UInt64(payloadLength),
                    base, 16, nil, nonce, key.pointer)
            case .chacha20Poly1305:
                return crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                    base + 16, base + 16 + payloadLength, nil, base + 16, UInt64(payloadLength),
                    base, 16, nil, nonce, key.pointer)
            }
        }
    }

    private static func rawOpen(_ suite: EnvelopeCipher.Suite, _ buffer: UnsafeMutableRawBufferPointer,
                                counter: UInt64, key: SecretBytes) -> Bool {
        var nonce = rawNonce(counter)
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let length = buffer.count - 32
        return withUnsafeBytes(of: &nonce) { nonceBytes in
            let nonce = nonceBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch suite {
            case .aes256GCM:
                return crypto_aead_aes256gcm_decrypt_detached(
                    base + 16, nil, base + 16, UInt64(length), base + 16 + length, base, 16, nonce, key.pointer)
            case .chacha20Poly1305:
                return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                    base + 16, nil, base + 16, UInt64(length), base + 16 + length, base, 16, nonce, key.pointer)
            }
        } == 0
    }

    /// Twelve octets, unique per counter, as cheap to build as the registry's.
    private static func rawNonce(_ counter: UInt64) -> (UInt32, UInt32, UInt32) {
        (0, UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32))
    }
}
