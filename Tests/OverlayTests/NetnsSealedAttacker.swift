import Foundation
import Glibc
@testable import Overlay
import Topology

/// One datagram the attacker sends, and what bridge b must make of it.
struct Injection: Sendable {
    /// The four kinds of attack.
    enum Kind: String, Sendable, CaseIterable {
        case forged, replayed, truncated
        case bitFlipped = "bit-flipped"
    }

    enum Expectation: Sendable {
        /// Decided by the datagram alone.
        case reason(SealDropReason)
        /// A sealed datagram naming the real link and key: the replay window
        /// decides before the tag (SealDropReason): too old if its counter is
        /// 2,048 or more below the highest accepted, replayed if that counter
        /// was accepted, otherwise the tag fails.
        case window(counter: UInt64)
    }

    var kind: Kind
    /// What was done, for failure messages.
    var what: String
    var wire: [UInt8]
    var expectation: Expectation

    /// The reason b must drop this for, given what b had accepted just before.
    func expectedReason(highestAccepted: UInt64?, counterAccepted: Bool) -> SealDropReason {
        switch expectation {
        case .reason(let reason):
            return reason
        case .window(let counter):
            if let highest = highestAccepted, counter <= highest, highest - counter >= ReplayWindow.size { return .tooOld }
            return counterAccepted ? .replayed : .authenticationFailed
        }
    }
}

/// The attacker in the fourth namespace: no WireGuard, no keys of the
/// topology, only a route to the overlay prefix over the underlay segment.
/// It gets what a sniffer and an interceptor on a shared overlay would get —
/// copies of b's accepted stream datagrams and of the handshake (the board's
/// captures and the transcript), and datagrams a sealed for b that never
/// reached b (decoys) — and for each capture sends one round of forged,
/// replayed, truncated and bit-flipped datagrams to b's cascade port while
/// the stream runs.
///
/// Concurrency: as `SealedStreamSender`.
final class SealedStreamAttacker: @unchecked Sendable {
    let socket: NetnsUDPSocket
    let target: SocketAddress
    /// b's cascade public key, and the key of the bridge the attacker impersonates (a).
    let victim: (id: String, key: PublicKey)
    let impersonated: PublicKey
    let transcript: SealedHandshakeTranscript
    let board: SealedTrafficBoard

    private(set) var sent: [Injection] = []
    private(set) var failure: String?
    private var generator = SplitMix64(state: UInt64.random(in: 0...UInt64.max))
    /// A key pair no topology knows, and the handshake MAC keys it has with b.
    private let ownKey = KeyPair.generate()
    private let ownSecrets: StaticLinkSecrets?

    init(socket: NetnsUDPSocket, target: SocketAddress, victim: (id: String, key: PublicKey),
         impersonated: PublicKey, transcript: SealedHandshakeTranscript, board: SealedTrafficBoard) {
        self.socket = socket
        self.target = target
        self.victim = victim
        self.impersonated = impersonated
        self.transcript = transcript
        self.board = board
        ownSecrets = StaticLinkSecrets(localId: "x-attacker", local: ownKey, peerId: victim.id, peer: victim.key)
    }

    func run() {
        var sentCount = 0
        defer { board.finishAttack(sent: sentCount) }
        guard ownSecrets != nil else {
            failure = "attacker: libsodium refused b's cascade key"
            return
        }
        var round = 0
        var first: [UInt8]?
        while true {
            guard let material = board.nextMaterial() else {
                if board.materialExhausted { return }
                usleep(2_000)
                continue
            }
            let firstCapture = first ?? material.capture
            first = firstCapture
            for injection in injections(round: round, material, firstCapture: firstCapture) {
                do {
                    try socket.send(injection.wire, to: target)
                } catch {
                    failure = "attacker: \(error)"
                    return
                }
                sent.append(injection)
                sentCount += 1
            }
            round += 1
        }
    }

    /// One round: about twenty datagrams built from one capture and one decoy.
    func injections(round: Int, _ material: SealedTrafficBoard.Material, firstCapture: [UInt8]) -> [Injection] {
        let capture = material.capture
        let counter = sealedCounter(capture) ?? 0
        let minimum = SealHeader.size + EnvelopeCipher.tagSize
        var out: [Injection] = []

        // Truncated: every length below a sealed datagram's minimum (first
        // round), and the whole handshake hello at every shorter length; then
        // one short length per round, and a decoy whose tag was cut short
        // (long enough to parse, so only the tag can tell).
        for length in round == 0 ? Array(0..<minimum) : [round % minimum] {
            out.append(Injection(kind: .truncated, what: "first \(length) octets of a sealed datagram",
                                 wire: Array(capture.prefix(length)), expectation: .reason(.truncated)))
        }
        if round == 0, let hello = transcript.hellos.first {
            for length in 0..<hello.count {
                out.append(Injection(kind: .truncated, what: "first \(length) octets of the hello",
                                     wire: Array(hello.prefix(length)), expectation: .reason(.truncated)))
            }
        }
        if let decoy = material.decoy, let decoyCounter = sealedCounter(decoy) {
            let cut = 1 + round % EnvelopeCipher.tagSize
            out.append(Injection(kind: .truncated, what: "an intercepted datagram cut \(cut) octets short",
                                 wire: Array(decoy.dropLast(cut)), expectation: .window(counter: decoyCounter)))
        }

        // Replayed: the capture verbatim; every tenth round the very first
        // capture (by then far below the window); the handshake once.
        out.append(Injection(kind: .replayed, what: "a captured datagram, verbatim", wire: capture,
                             expectation: .window(counter: counter)))
        if round % 10 == 9 {
            out.append(Injection(kind: .replayed, what: "the first captured datagram, verbatim", wire: firstCapture,
                                 expectation: .window(counter: sealedCounter(firstCapture) ?? 0)))
        }
        if round == 0 {
            for hello in transcript.hellos {
                out.append(Injection(kind: .replayed, what: "the handshake's hello", wire: hello,
                                     expectation: .reason(.replayedHandshake)))
            }
            for confirm in transcript.confirms {
                out.append(Injection(kind: .replayed, what: "the handshake's confirm", wire: confirm,
                                     expectation: .window(counter: sealedCounter(confirm) ?? 0)))
            }
        }

        // Bit-flipped: one bit of each header field of the capture, of its
        // ciphertext or tag, and of the decoy's ciphertext and tag.
        out.append(flip(capture, octet: 0, bits: 0..<8, "version", .reason(.malformed)))
        out.append(flip(capture, octet: 1, bits: 2..<8, "message type", .reason(.malformed)))
        out.append(flip(capture, octet: 2, bits: 0..<8, "key id", .reason(.unknownKey)))
        out.append(flip(capture, octet: 3, bits: 0..<8, "reserved octet", .reason(.malformed)))
        // The link index's upper half is its random per-boot tag: flipped, it names no link.
        out.append(flip(capture, octet: Int.random(in: 4...5, using: &generator), bits: 0..<8,
                        "link index tag", .reason(.unknownSender)))
        var high = flip(capture, octet: Int.random(in: 8...11, using: &generator), bits: 0..<8,
                        "counter (upper half)", .reason(.authenticationFailed))
        high.expectation = .window(counter: sealedCounter(high.wire) ?? 0)
        out.append(high)
        out.append(flip(capture, octet: Int.random(in: SealHeader.size..<capture.count, using: &generator), bits: 0..<8,
                        "ciphertext or tag of a captured datagram", .window(counter: counter)))
        if let decoy = material.decoy, let decoyCounter = sealedCounter(decoy) {
            let tagStart = decoy.count - EnvelopeCipher.tagSize
            out.append(flip(decoy, octet: Int.random(in: SealHeader.size..<tagStart, using: &generator), bits: 0..<8,
                            "ciphertext of an intercepted datagram", .window(counter: decoyCounter)))
            out.append(flip(decoy, octet: Int.random(in: tagStart..<decoy.count, using: &generator), bits: 0..<8,
                            "tag of an intercepted datagram", .window(counter: decoyCounter)))
        }

        out += forgeries(capture: capture)
        return out
    }

    /// Forged: random ciphertext under the link's real index and key id and a
    /// counter no one used; a made-up link index; hellos from an unknown key
    /// and in a's name; a hello-ack nobody asked for; an unknown message type.
    private func forgeries(capture: [UInt8]) -> [Injection] {
        guard let secrets = ownSecrets else { return [] }
        let forgedCounter = UInt64.random(in: 1 << 32..<1 << 62, using: &generator)
        var sealed = [SealHeader.version, SealMessageType.data.rawValue, capture[2], 0] + Array(capture[4..<8])
        sealed += bigEndian(forgedCounter) + random(Int.random(in: 0...1_200, using: &generator) + EnvelopeCipher.tagSize)
        var strangerIndex = sealed
        let index = UInt32(capture[4]) << 24 | UInt32(capture[5]) << 16 | UInt32(capture[6]) << 8 | UInt32(capture[7])
        let otherTag = index ^ UInt32.random(in: 1...0xFFFF, using: &generator) << 16
        strangerIndex.replaceSubrange(4..<8, with: bigEndian(otherTag))

        let timestamp = SealRegistry.systemWallClock()
        let stranger = HandshakeHello(keyId: 1, suites: EnvelopeCipher.Suite.available,
                                      linkIndex: UInt32.random(in: 1...UInt32.max, using: &generator),
                                      bootId: generator.next(), timestamp: timestamp,
                                      staticKey: ownKey.publicKey.bytes, ephemeralKey: random(32))
        var impostor = stranger
        impostor.staticKey = impersonated.bytes
        let ack = HandshakeHelloAck(keyId: 1, suite: .chacha20Poly1305, receiverLinkIndex: index,
                                    linkIndex: generator.next32(),
                                    bootId: generator.next(), helloTimestamp: timestamp, ephemeralKey: random(32))
        let unknownType = [SealHeader.version, 0x7F] + random(Int.random(in: 0...200, using: &generator))
        return [
            Injection(kind: .forged, what: "random ciphertext under the real link index and key id", wire: sealed,
                      expectation: .window(counter: forgedCounter)),
            Injection(kind: .forged, what: "a sealed datagram with a made-up link index", wire: strangerIndex,
                      expectation: .reason(.unknownSender)),
            Injection(kind: .forged, what: "a hello from a key outside the topology",
                      wire: stranger.encoded(macKey: secrets.sendMACKey), expectation: .reason(.unknownSender)),
            Injection(kind: .forged, what: "a hello in a's name, MAC'd without a's key",
                      wire: impostor.encoded(macKey: secrets.sendMACKey), expectation: .reason(.authenticationFailed)),
            Injection(kind: .forged, what: "a hello-ack to no hello",
                      wire: ack.encoded(answering: random(HandshakeHello.size), macKey: secrets.sendMACKey),
                      expectation: .reason(.unexpectedHandshake)),
            Injection(kind: .forged, what: "an unknown message type", wire: unknownType,
                      expectation: .reason(.malformed)),
        ]
    }

    private func flip(_ datagram: [UInt8], octet: Int, bits: Range<Int>, _ field: String,
                      _ expectation: Injection.Expectation) -> Injection {
        var wire = datagram
        let bit = Int.random(in: bits, using: &generator)
        wire[octet] ^= 1 << bit
        return Injection(kind: .bitFlipped, what: "bit \(bit) of octet \(octet) (\(field))", wire: wire,
                         expectation: expectation)
    }

    private func random(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

private extension SplitMix64 {
    mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
}
