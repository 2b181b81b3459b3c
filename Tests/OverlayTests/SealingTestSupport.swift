import Foundation
@testable import Overlay
import Topology

/// Fixed keys and small helpers shared by the Sealing* tests. Everything here
/// drives the real `SealRegistry` and real libsodium; nothing is mocked.
enum SealingFixture {
    /// A deterministic X25519 pair (libsodium clamps the scalar).
    static func key(_ seed: UInt8) -> KeyPair {
        KeyPair(secretKey: (0..<32).map { UInt8(truncatingIfNeeded: Int(seed) &* 31 &+ $0) })!
    }

    static let start = ContinuousClock.now

    static func at(_ seconds: Double) -> ContinuousClock.Instant {
        start + .milliseconds(Int64(seconds * 1_000))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Every cipher suite this machine runs (both with AES-NI): the arguments
    /// of tests that must hold under each.
    static let suites = EnvelopeCipher.Suite.allCases.filter(\.isAvailable)

    /// A policy under which two bridges negotiate `suite`: ChaCha20-Poly1305
    /// alone, or AES-256-GCM offered next to it (preferred when both have it).
    static func policy(_ suite: EnvelopeCipher.Suite) -> SealPolicy {
        SealPolicy(ciphers: suite == .aes256GCM ? [.chacha20Poly1305, .aes256GCM] : [.chacha20Poly1305])
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}

/// One bridge in a test: its id, its static key, and its current registry
/// (replaced by `restart()` as a process restart would).
final class TestBridge {
    let id: String
    let key: KeyPair
    private(set) var peers: [SealPeerIdentity]
    let policy: SealPolicy
    private(set) var registry: SealRegistry

    init(_ id: String, seed: UInt8, peers: [(String, UInt8)], policy: SealPolicy = SealPolicy()) throws {
        self.id = id
        key = SealingFixture.key(seed)
        self.peers = peers.map { SealPeerIdentity(id: $0.0, publicKey: SealingFixture.key($0.1).publicKey) }
        self.policy = policy
        registry = try SealRegistry(localId: id, localKey: key, peers: self.peers, policy: policy)
    }

    /// A new process with the same static key: new boot id, no sessions.
    func restart() throws {
        registry = try SealRegistry(localId: id, localKey: key, peers: peers, policy: policy)
    }

    func handle(_ peerId: String) -> SealPeerHandle { registry.peer(id: peerId)! }

    /// Opens a copy of `datagram`; returns the result and the buffer after opening.
    @discardableResult
    func receive(_ datagram: [UInt8], at now: ContinuousClock.Instant = SealingFixture.start) -> (SealInbound, [UInt8]) {
        var copy = datagram
        let result = copy.withUnsafeMutableBytes { registry.open($0, now: now) }
        return (result, copy)
    }

    /// Seals `payload` to `peerId` (allocating convenience).
    func seal(_ payload: [UInt8], to peerId: String, at now: ContinuousClock.Instant = SealingFixture.start) throws -> [UInt8] {
        try registry.seal(payload, to: handle(peerId), now: now)
    }

    /// The plaintext if `datagram` opened as a payload, else the drop reason.
    func open(_ datagram: [UInt8], at now: ContinuousClock.Instant = SealingFixture.start) -> Result<[UInt8], SealDropReason> {
        let (result, buffer) = receive(datagram, at: now)
        switch result {
        case .payload(_, let range): return .success(Array(buffer[range]))
        case .dropped(let reason): return .failure(reason)
        case .handshake: return .failure(.unexpectedHandshake)
        }
    }
}

/// Two bridges that know each other.
struct BridgePair {
    let a: TestBridge
    let b: TestBridge

    init(policy: SealPolicy = SealPolicy()) throws {
        a = try TestBridge("ams-1", seed: 1, peers: [("nyc-1", 2)], policy: policy)
        b = try TestBridge("nyc-1", seed: 2, peers: [("ams-1", 1)], policy: policy)
    }

    /// Two bridges that will negotiate `suite`.
    init(suite: EnvelopeCipher.Suite) throws {
        try self.init(policy: SealingFixture.policy(suite))
    }

    init(a: TestBridge, b: TestBridge) {
        self.a = a
        self.b = b
    }

    func other(_ bridge: TestBridge) -> TestBridge { bridge === a ? b : a }

    /// Delivers `datagram` to `target` and every reply back and forth until
    /// nobody answers; returns the datagrams in the order they were sent.
    @discardableResult
    func exchange(_ datagram: [UInt8], to target: TestBridge,
                  at now: ContinuousClock.Instant = SealingFixture.start) -> [[UInt8]] {
        var log = [datagram]
        var next: (TestBridge, [UInt8])? = (target, datagram)
        while let (receiver, message) = next {
            next = nil
            if case .handshake(_, let reply?) = receiver.receive(message, at: now).0 {
                log.append(reply)
                next = (other(receiver), reply)
            }
        }
        return log
    }

    /// `initiator` connects to the other bridge and the handshake runs to the end.
    @discardableResult
    func handshake(from initiator: TestBridge, at now: ContinuousClock.Instant = SealingFixture.start) -> [[UInt8]] {
        let responder = other(initiator)
        guard let hello = initiator.registry.connect(to: initiator.handle(responder.id), now: now) else { return [] }
        return exchange(hello.datagram, to: responder, at: now)
    }

    /// Delivers every datagram `tick` returns on `bridge` to the other one (and the replies).
    func tick(_ bridge: TestBridge, at now: ContinuousClock.Instant) -> [[UInt8]] {
        bridge.registry.tick(now: now).flatMap { exchange($0.datagram, to: other(bridge), at: now) }
    }
}
