import Foundation
import Glibc
@testable import Overlay
import Topology

/// Bridge a's side of the stream: seals and sends `count` payloads, never more
/// than `window` ahead of the receiver's acknowledgements (which are sealed
/// too) and no faster than `rate` per second, so that neither a socket buffer
/// nor a wireguard-go queue ever overflows: a lost datagram is a finding, not
/// noise. With `decoyEvery`, it also seals one datagram every `decoyEvery`
/// that it does not send but hands to the board: what an interceptor on a
/// shared overlay would have taken off the wire.
///
/// Concurrency: runs on one thread; the test thread reads the results after
/// that thread has finished (`@unchecked Sendable` for the hand-over only).
final class SealedStreamSender: @unchecked Sendable {
    let end: SealedLinkEnd
    let payloads: SealedStreamPayloads
    let count: Int
    let window: Int
    let rate: Double
    let decoyEvery: Int?
    let board: SealedTrafficBoard

    /// The envelope counter of stream datagram `i` (how the receiver's side
    /// maps what arrived back to sequence numbers: the counter is authenticated).
    private(set) var counters: [UInt64] = []
    private(set) var decoyCounters: [UInt64] = []
    /// Octets of the sealed stream datagrams, as handed to the socket.
    private(set) var sealedOctets = 0
    private(set) var acknowledged = 0
    /// Acknowledgements (or anything else) this side refused.
    private(set) var drops: [SealDropReason: Int] = [:]
    private(set) var failure: String?
    private(set) var elapsed: Duration = .zero

    init(end: SealedLinkEnd, payloads: SealedStreamPayloads, count: Int, window: Int, rate: Double,
         decoyEvery: Int?, board: SealedTrafficBoard) {
        self.end = end
        self.payloads = payloads
        self.count = count
        self.window = window
        self.rate = rate
        self.decoyEvery = decoyEvery
        self.board = board
    }

    func run() {
        defer { board.finishSending() }
        do { try stream() } catch { failure = "sender: \(error)" }
    }

    private func stream() throws {
        var buffer = [UInt8](repeating: 0, count: 2_048)
        var decoyGenerator = SplitMix64(state: payloads.seed ^ 0xDEC0)
        let start = ContinuousClock.now
        defer { elapsed = .now - start }
        for sequence in 0..<count {
            let waitStart = ContinuousClock.now
            while sequence - acknowledged >= window {
                guard ContinuousClock.now - waitStart < .seconds(10) else {
                    failure = "sender: no acknowledgement for 10 s with \(sequence - acknowledged) datagrams in flight (\(acknowledged) of \(sequence) acknowledged)"
                    return
                }
                try readAcknowledgements(&buffer, timeout: 0.1)
            }
            let due = start + .seconds(Double(sequence) / rate)
            if due > .now { Thread.sleep(forTimeInterval: (due - .now).inSeconds) }
            try readAcknowledgements(&buffer, timeout: 0)

            let datagram = try end.registry.seal(payloads.payload(sequence), to: end.peer, now: .now)
            counters.append(sealedCounter(datagram) ?? .max)
            sealedOctets += datagram.count
            try end.socket.send(datagram, to: end.peerAddress)

            if let decoyEvery, sequence % decoyEvery == decoyEvery / 2 {
                let length = Int.random(in: 16...SealedStreamPayloads.maxLength, using: &decoyGenerator)
                let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &decoyGenerator) }
                let decoy = try end.registry.seal(payload, to: end.peer, now: .now)
                decoyCounters.append(sealedCounter(decoy) ?? .max)
                board.publishDecoy(decoy)
            }
        }
        let drainStart = ContinuousClock.now
        while acknowledged < count, ContinuousClock.now - drainStart < .seconds(5) {
            try readAcknowledgements(&buffer, timeout: 0.1)
        }
    }

    /// Opens whatever the receiver sent back; an acknowledgement is the number
    /// of stream datagrams it has accepted (8 octets, big-endian).
    private func readAcknowledgements(_ buffer: inout [UInt8], timeout: Double) throws {
        var wait = timeout
        try buffer.withUnsafeMutableBytes { raw in
            while let (length, _) = try end.socket.receive(into: raw, timeout: wait) {
                wait = 0
                switch try end.open(UnsafeMutableRawBufferPointer(rebasing: raw[..<length])) {
                case .payload(_, let range) where range.count == 8:
                    let value = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self))
                    acknowledged = max(acknowledged, Int(clamping: value))
                case .payload, .handshake:
                    break
                case .dropped(let reason):
                    drops[reason, default: 0] += 1
                }
            }
        }
    }
}

/// Bridge b's cascade socket: opens every datagram with b's registry.
/// Datagrams from a's overlay address are the stream (recorded, acknowledged,
/// every `captureEvery`-th accepted one copied to the board as the sniffer's
/// capture); datagrams from the attacker's address are opened too and
/// recorded with what the receiver knew just before — the highest counter
/// accepted from a and whether this datagram's counter was among them — so the
/// test can say which reason each must be dropped for.
///
/// Concurrency: as `SealedStreamSender`.
final class SealedStreamReceiver: @unchecked Sendable {
    struct Arrival {
        var counter: UInt64
        var payload: [UInt8]
    }

    struct Observation {
        /// The datagram as it arrived (before `open` changed it in place).
        var wire: [UInt8]
        var result: SealInbound
        var highestAccepted: UInt64?
        var counterAccepted: Bool
    }

    let end: SealedLinkEnd
    let count: Int
    let attackerHost: IPAddress?
    let board: SealedTrafficBoard
    let captureEvery = 100
    let acknowledgeEvery = 16

    /// Stream payloads in arrival order.
    private(set) var arrivals: [Arrival] = []
    /// Stream datagrams (from a's address) that did not open.
    private(set) var streamDrops: [SealDropReason: Int] = [:]
    private(set) var observations: [Observation] = []
    /// Datagrams from neither a nor the attacker.
    private(set) var strays: [String] = []
    private(set) var failure: String?
    /// Counters accepted from a under the session (handshake confirms included).
    private var accepted: Set<UInt64>
    private var highest: UInt64?

    init(end: SealedLinkEnd, count: Int, attackerHost: IPAddress?, board: SealedTrafficBoard,
         handshake: SealedHandshakeTranscript) {
        self.end = end
        self.count = count
        self.attackerHost = attackerHost
        self.board = board
        accepted = Set(handshake.confirms.compactMap(sealedCounter))
        highest = accepted.max()
    }

    func run() {
        defer { board.finishCapturing() }
        do { try receive() } catch { failure = "receiver: \(error)" }
    }

    private func receive() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2_048, alignment: 16)
        defer { buffer.deallocate() }
        let deadline = ContinuousClock.now + .seconds(300)
        var lastStream = ContinuousClock.now
        var lastAttack = ContinuousClock.now
        var streamDone = false
        while ContinuousClock.now < deadline {
            if !streamDone, arrivals.count >= count || (board.sendingFinished && .now - lastStream > .seconds(3)) {
                streamDone = true
                board.finishCapturing()
            }
            if streamDone {
                guard attackerHost != nil else { return }
                if let total = board.attackFinished, observations.count >= total || .now - lastAttack > .seconds(3) { return }
            }
            guard let (length, source) = try end.socket.receive(into: buffer, timeout: 0.1) else { continue }
            let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[..<length])
            if source?.host == end.peerAddress.host {
                lastStream = .now
                try receiveStream(datagram)
            } else if let attackerHost, source?.host == attackerHost {
                lastAttack = .now
                observe(datagram)
            } else {
                strays.append("\(length) octets from \(source?.description ?? "an unknown address")")
            }
        }
        failure = "receiver: still waiting after 300 s (\(arrivals.count) of \(count) stream datagrams)"
    }

    private func receiveStream(_ datagram: UnsafeMutableRawBufferPointer) throws {
        let counter = sealedCounter(UnsafeRawBufferPointer(datagram))
        let sealedType = datagram.count >= 2 && (datagram[1] == SealMessageType.data.rawValue || datagram[1] == SealMessageType.confirm.rawValue)
        let capture = (arrivals.count + 1) % captureEvery == 0 ? Array(datagram) : nil
        switch try end.open(datagram) {
        case .payload(_, let range):
            arrivals.append(Arrival(counter: counter ?? .max, payload: Array(datagram[range])))
            noteAccepted(counter)
            if let capture { board.publishCapture(capture) }
            if arrivals.count % acknowledgeEvery == 0 || arrivals.count == count {
                let acknowledgement = withUnsafeBytes(of: UInt64(arrivals.count).bigEndian) { Array($0) }
                try end.socket.send(try end.registry.seal(acknowledgement, to: end.peer, now: .now), to: end.peerAddress)
            }
        case .handshake:
            if sealedType { noteAccepted(counter) }
        case .dropped(let reason):
            streamDrops[reason, default: 0] += 1
        }
    }

    private func noteAccepted(_ counter: UInt64?) {
        guard let counter else { return }
        accepted.insert(counter)
        highest = max(highest ?? counter, counter)
    }

    /// Opens an attacker's datagram without answering it (a reply could only
    /// come from a handshake it should never have passed; the result shows that).
    private func observe(_ datagram: UnsafeMutableRawBufferPointer) {
        let wire = Array(datagram)
        let counterAccepted = sealedCounter(wire).map(accepted.contains) ?? false
        let highestBefore = highest
        let result = end.registry.open(datagram, now: .now)
        observations.append(Observation(wire: wire, result: result, highestAccepted: highestBefore,
                                        counterAccepted: counterAccepted))
    }
}

/// What the stream did, computed on the test thread after both ends stopped.
struct SealedStreamFigures: CustomStringConvertible {
    var sent = 0
    var received = 0
    var missing = 0
    var duplicated = 0
    var altered = 0
    /// Arrivals from a counter the sender never used for the stream.
    var unknown = 0
    /// Arrivals later than a datagram sealed after them.
    var reordered = 0
    /// The largest distance (in counters) a late arrival was behind the highest before it.
    var maxDisplacement: UInt64 = 0
    var rejected = 0
    var sealedOctets = 0
    var seconds = 0.0

    init(sender: SealedStreamSender, receiver: SealedStreamReceiver, payloads: SealedStreamPayloads) {
        sent = sender.counters.count
        sealedOctets = sender.sealedOctets
        seconds = sender.elapsed.inSeconds
        rejected = receiver.streamDrops.values.reduce(0, +)
        var sequenceOf: [UInt64: Int] = [:]
        for (sequence, counter) in sender.counters.enumerated() { sequenceOf[counter] = sequence }
        var seen = Set<Int>()
        var highest: UInt64?
        for arrival in receiver.arrivals {
            guard let sequence = sequenceOf[arrival.counter] else {
                unknown += 1
                continue
            }
            if !seen.insert(sequence).inserted { duplicated += 1 }
            if arrival.payload != payloads.payload(sequence) { altered += 1 }
            if let top = highest, arrival.counter < top {
                reordered += 1
                maxDisplacement = max(maxDisplacement, top - arrival.counter)
            }
            highest = max(highest ?? arrival.counter, arrival.counter)
        }
        received = seen.count
        missing = sent - seen.count
    }

    var rate: Double { seconds > 0 ? Double(sent) / seconds : 0 }

    var description: String {
        "\(sent) sent, \(received) received, \(missing) missing, \(duplicated) duplicated, \(altered) altered, "
            + "\(unknown) unknown, \(reordered) reordered (max \(maxDisplacement) behind), \(rejected) rejected; "
            + "\(sealedOctets) sealed octets in \(String(format: "%.1f", seconds)) s (\(Int(rate)) datagrams/s)"
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
