import Foundation
import Glibc
@testable import Overlay
import Topology

// The stage of the sealed-channel namespace tests (`NetnsSealedChannelTests`):
// deterministic payloads, the two ends of one sealed link, the handshake
// pump, what the traffic threads share, and the socket, `wg show` and
// attacker-namespace helpers. The threads themselves are in
// NetnsSealedStream.swift (sender, receiver) and NetnsSealedAttacker.swift.
// Real `SealRegistry`, real sockets in real namespaces, real WireGuard
// between them; nothing is mocked.

// MARK: - Payloads

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough for test data.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The stream's payloads, recomputable from (seed, sequence number) alone, so
/// the receiver's side can check every octet without the sender shipping a
/// copy: length uniform in 0…1,200; a payload of four or more octets starts
/// with its sequence number (big-endian), the rest is SplitMix64 output.
struct SealedStreamPayloads: Sendable {
    static let maxLength = 1_200
    let seed: UInt64

    func payload(_ sequence: Int) -> [UInt8] {
        var generator = SplitMix64(state: seed ^ (UInt64(sequence) &* 0xD1B5_4A32_D192_ED03))
        let length = Int(generator.next() % UInt64(Self.maxLength + 1))
        var bytes = [UInt8](repeating: 0, count: length)
        var word: UInt64 = 0
        for index in 0..<length {
            if index % 8 == 0 { word = generator.next() }
            bytes[index] = UInt8(truncatingIfNeeded: word >> UInt64(8 * (index % 8)))
        }
        if length >= 4 {
            withUnsafeBytes(of: UInt32(sequence).bigEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        }
        return bytes
    }
}

/// The counter of a sealed datagram (octets 8..<16 of `SealHeader`), read as
/// the wire carries it; nil when the datagram is too short to have one.
func sealedCounter(_ datagram: UnsafeRawBufferPointer) -> UInt64? {
    datagram.count >= SealHeader.size ? UInt64(bigEndian: datagram.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) : nil
}

func sealedCounter(_ datagram: [UInt8]) -> UInt64? {
    datagram.withUnsafeBytes { sealedCounter($0) }
}

// MARK: - The two ends of a link

/// One bridge's end of a sealed link: its registry, its cascade socket (in
/// its namespace), the peer's handle and the peer's overlay address.
///
/// Concurrency: owned by one thread at a time — built and used for the
/// handshake on the test thread, then handed to exactly one traffic thread,
/// and read again by the test thread only after that thread has finished.
/// `@unchecked Sendable` only for that hand-over.
final class SealedLinkEnd: @unchecked Sendable {
    let registry: SealRegistry
    let socket: NetnsUDPSocket
    let peer: SealPeerHandle
    let peerAddress: SocketAddress

    init(registry: SealRegistry, socket: NetnsUDPSocket, peerId: String, peerAddress: SocketAddress) throws {
        guard let peer = registry.peer(id: peerId) else {
            throw NetnsLab.NamespaceError(description: "\(registry.localId) has no sealing peer \(peerId)")
        }
        self.registry = registry
        self.socket = socket
        self.peer = peer
        self.peerAddress = peerAddress
    }

    /// Opens one datagram; sends the handshake reply, if any, to the peer.
    @discardableResult
    func open(_ datagram: UnsafeMutableRawBufferPointer) throws -> SealInbound {
        let result = registry.open(datagram, now: .now)
        if case .handshake(_, let reply?) = result { try socket.send(reply, to: peerAddress) }
        return result
    }

    /// Runs `tick` and sends what it asks for.
    func tick() throws {
        for message in registry.tick(now: .now) { try socket.send(message.datagram, to: peerAddress) }
    }
}

/// The handshake messages the responder accepted, as they were on the wire:
/// material for the attacker's replays.
struct SealedHandshakeTranscript: Sendable {
    var hellos: [[UInt8]] = []
    /// Sealed confirms (counter 0, 1, … of the new session).
    var confirms: [[UInt8]] = []
}

/// Runs the handshake over the real sockets: `initiator.connect`, then every
/// reply in both directions, `tick` once a second for retries, until the
/// responder has switched to the session and the initiator has heard its
/// confirm echo. The first datagram may wait for WireGuard's own handshake.
func establishSealedLink(initiator: SealedLinkEnd, responder: SealedLinkEnd,
                         timeout: Duration = .seconds(30)) throws -> SealedHandshakeTranscript {
    var transcript = SealedHandshakeTranscript()
    if let hello = initiator.registry.connect(to: initiator.peer, now: .now) {
        try initiator.socket.send(hello.datagram, to: initiator.peerAddress)
    }
    let deadline = ContinuousClock.now + timeout
    var lastTick = ContinuousClock.now
    var buffer = [UInt8](repeating: 0, count: 2_048)
    while initiator.registry.counters.opened == 0
            || responder.registry.status(responder.peer)?.state != .established {
        guard ContinuousClock.now < deadline else {
            throw NetnsLab.NamespaceError(description: "sealed handshake did not finish in \(timeout): initiator \(initiator.registry.counters), responder \(responder.registry.counters)")
        }
        try buffer.withUnsafeMutableBytes { raw in
            if let (count, _) = try responder.socket.receive(into: raw, timeout: 0.05) {
                let wire = Array(raw[..<count])
                let result = try responder.open(UnsafeMutableRawBufferPointer(rebasing: raw[..<count]))
                if case .handshake = result, count >= 2 {
                    if wire[1] == SealMessageType.hello.rawValue { transcript.hellos.append(wire) }
                    if wire[1] == SealMessageType.confirm.rawValue { transcript.confirms.append(wire) }
                }
            }
            if let (count, _) = try initiator.socket.receive(into: raw, timeout: 0.05) {
                try initiator.open(UnsafeMutableRawBufferPointer(rebasing: raw[..<count]))
            }
        }
        if ContinuousClock.now - lastTick >= .seconds(1) {
            lastTick = .now
            try initiator.tick()
            try responder.tick()
        }
    }
    return transcript
}

// MARK: - What the threads share

/// What the threads of one run share: the receiver's capture tap and the
/// sender's decoys (material for the attacker), and who has finished.
/// Everything sits behind one lock, which the packet paths take only once
/// per hundred datagrams.
final class SealedTrafficBoard: @unchecked Sendable {
    struct Material: Sendable {
        /// A sealed stream datagram exactly as it arrived, taken after the
        /// receiver accepted it (a sniffer's copy).
        var capture: [UInt8]
        /// A datagram the sender sealed to the receiver and never sent (one
        /// an interceptor took off the wire): its counter is still fresh.
        var decoy: [UInt8]?
    }

    private let lock = NSLock()
    private var captures: [[UInt8]] = []
    private var decoys: [[UInt8]] = []
    private var consumed = 0
    private var sendingDone = false
    private var capturingDone = false
    private var attackTotal: Int?

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func publishCapture(_ datagram: [UInt8]) { locked { captures.append(datagram) } }
    func publishDecoy(_ datagram: [UInt8]) { locked { decoys.append(datagram) } }
    func finishSending() { locked { sendingDone = true } }
    func finishCapturing() { locked { capturingDone = true } }
    func finishAttack(sent: Int) { locked { attackTotal = sent } }
    var sendingFinished: Bool { locked { sendingDone } }
    /// How many datagrams the attacker sent, once it has stopped.
    var attackFinished: Int? { locked { attackTotal } }

    /// The next capture not handed out yet, with the decoy of the same index.
    func nextMaterial() -> Material? {
        locked {
            guard consumed < captures.count else { return nil }
            defer { consumed += 1 }
            return Material(capture: captures[consumed], decoy: consumed < decoys.count ? decoys[consumed] : nil)
        }
    }

    /// The receiver will publish no more captures and all have been handed out.
    var materialExhausted: Bool { locked { capturingDone && consumed == captures.count } }
}

// MARK: - Sockets and WireGuard

extension NetnsUDPSocket {
    /// SO_RCVBUFFORCE (root only): a receive buffer large enough that a
    /// descheduled receiver thread never makes the kernel drop a datagram.
    func forceReceiveBuffer(bytes: Int32) throws {
        var size = bytes
        guard setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw Failure(description: "SO_RCVBUFFORCE: \(String(cString: strerror(errno)))")
        }
    }

    /// The next datagram into `buffer` (its length, which may be 0, and its
    /// source), or nil if none arrives within `timeout` seconds.
    func receive(into buffer: UnsafeMutableRawBufferPointer, timeout: Double) throws -> (Int, SocketAddress?)? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1_000)) > 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(fd, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC), $0, &length)
            }
        }
        guard count >= 0 else { throw Failure(description: "recvfrom: \(String(cString: strerror(errno)))") }
        guard count <= buffer.count else { throw Failure(description: "a \(count)-octet datagram does not fit the \(buffer.count)-octet buffer") }
        let source = withUnsafeBytes(of: storage) { Sockaddr.decode(Array($0.prefix(Int(length)))) }
        return (count, source)
    }
}

extension NetnsOverlayMesh {
    /// `wg show IFACE transfer` on bridge `id` (read by wireguard-tools):
    /// octets received from and sent to bridge `peer` over WireGuard.
    func transfer(_ id: String, peer: String) throws -> (received: UInt64, sent: UInt64) {
        let output = try lab.check(["wg", "show", interface(id), "transfer"], in: namespace(id)).stdout
        let key = fixture.node(peer).keys.wireguard.publicKey.base64
        for line in output.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if fields.count == 3, fields[0] == key, let received = UInt64(fields[1]), let sent = UInt64(fields[2]) {
                return (received, sent)
            }
        }
        throw NetnsLab.NamespaceError(description: "wg show \(interface(id)) transfer has no peer \(peer):\n\(output)")
    }

    /// Namespace `x` on the bridges' Ethernet segment at `address`, with no
    /// WireGuard and no keys, that routes the overlay prefix to bridge
    /// `victim`'s underlay address. Linux accepts a datagram for any local
    /// address on any interface (the weak host model), so from here the
    /// victim's cascade socket on its overlay address is reachable *without*
    /// passing through WireGuard: the misconfigured or shared overlay of
    /// DESIGN §5, which only sealing protects against.
    func addAttacker(address: IPAddress, routingOverlayTo victim: String) throws -> String {
        let hub = lab.namespace("hub")
        let attacker = try lab.addNamespace("x")
        try lab.check(["ip", "-n", hub, "link", "add", "vx", "type", "veth", "peer", "name", "eth0", "netns", attacker])
        try lab.check(["ip", "-n", hub, "link", "set", "vx", "master", "br0", "up"])
        try lab.check(["ip", "-n", attacker, "addr", "add", "\(address)/24", "dev", "eth0"])
        try lab.check(["ip", "-n", attacker, "link", "set", "eth0", "up"])
        try lab.check(["ip", "-n", attacker, "route", "add", "\(fixture.network)", "via", "\(fixture.node(victim).endpoint.host)"])
        return attacker
    }
}

/// Runs each body on its own thread and returns when all have finished.
func runOnThreads(_ bodies: [@Sendable () -> Void]) {
    let group = DispatchGroup()
    for body in bodies {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.start()
    }
    group.wait()
}
