import CSodium
import Topology
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// All sealed links of one bridge: seals datagrams to peers, opens datagrams
/// from them, and runs the handshakes that give each link fresh keys.
///
/// This is the API the cascade link layer uses over UDP; the registry itself
/// never touches a socket or reads a clock:
///
///     let registry = try SealRegistry(topology: topology, keys: keyFile)
///     let fra = registry.peer(id: "fra-1")!
///     if let hello = registry.connect(to: fra, now: .now) { send(hello.datagram, to: fra) }
///     // every datagram from the cascade port:
///     switch registry.open(buffer, now: now) {
///     case .payload(let peer, let range): deliver(buffer[range], from: peer)
///     case .handshake(let peer, let reply): if let reply { send(reply, to: peer) }
///     case .dropped: break                     // counted in registry.counters
///     }
///     // sending: payload at buffer[16...], room for 16 more octets after it
///     let length = try registry.seal(to: fra, payloadLength: n, in: buffer, now: now)
///     // at least once a second:
///     for message in registry.tick(now: .now) { send(message.datagram, to: message.peer) }
///
/// Authenticate before state: no peer entry, replay-window bit, session switch
/// or hello timestamp changes until the datagram's tag or MAC has verified.
/// `seal` and `open` of data work in place on the caller's buffer and do not
/// allocate; handshake messages (a few per peer per ten minutes) may.
///
/// Concurrency: not thread-safe and not `Sendable`. One bridge's cascade I/O
/// runs on one thread (or one actor/event loop), which owns the registry; no
/// locks on the packet path.
public final class SealRegistry {
    public let localId: String
    /// Random per process start; peers see it change when this bridge restarts.
    public let bootId: UInt64
    public let policy: SealPolicy
    public internal(set) var counters = SealCounters()

    let localKey: KeyPair
    var links: [PeerLink?] = []
    var slotsByKey: [PublicKey: Int] = [:]
    var slotsById: [String: Int] = [:]
    /// The last link index handed out per slot (so a reused slot gets a new one).
    var retiredIndexes: [UInt32] = []
    let wallClock: () -> UInt64
    var lastTimestamp: UInt64 = 0

    /// - Parameters:
    ///   - localKey: this bridge's cascade key pair (from its key file).
    ///   - peers: the other bridges and their cascade public keys.
    ///   - wallClock: nanoseconds since 1970, for hello timestamps (tests inject one).
    public init(localId: String, localKey: KeyPair, peers: [SealPeerIdentity],
                policy: SealPolicy = SealPolicy(),
                wallClock: @escaping () -> UInt64 = SealRegistry.systemWallClock) throws(SealSetupError) {
        let problems = policy.problems
        guard problems.isEmpty else { throw .invalidPolicy(problems) }
        Sodium.ensureInitialized()
        self.localId = localId
        self.localKey = localKey
        self.policy = policy
        self.wallClock = wallClock
        var boot: UInt64 = 0
        withUnsafeMutableBytes(of: &boot) { randombytes_buf($0.baseAddress!, $0.count) }
        bootId = boot
        try updatePeers(peers)
    }

    /// A registry for bridge `keys.id` with every other bridge of `topology` as a peer.
    public convenience init(topology: Topology, keys: BridgeKeyFile, policy: SealPolicy = SealPolicy()) throws(SealSetupError) {
        try self.init(localId: keys.id, localKey: keys.cascade,
                      peers: SealRegistry.peers(in: topology, for: keys), policy: policy)
    }

    /// The peers of `keys.id` in `topology`; checks that the key file belongs to that bridge.
    public static func peers(in topology: Topology, for keys: BridgeKeyFile) throws(SealSetupError) -> [SealPeerIdentity] {
        guard let local = topology.bridge(id: keys.id) else { throw .notInTopology(keys.id) }
        if let published = local.cascadeKey, published != keys.cascade.publicKey { throw .keyMismatch(keys.id) }
        var peers: [SealPeerIdentity] = []
        for bridge in topology.bridges where bridge.id != keys.id {
            guard let key = bridge.cascadeKey else { throw .missingCascadeKey(bridge.id) }
            peers.append(SealPeerIdentity(id: bridge.id, publicKey: key))
        }
        return peers
    }

    public static func systemWallClock() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    // MARK: Peers

    public func peer(id: String) -> SealPeerHandle? {
        slotsById[id].flatMap { links[$0]?.handle }
    }

    public func peerId(_ handle: SealPeerHandle) -> String? {
        link(handle.rawValue)?.identity.id
    }

    public var peerHandles: [SealPeerHandle] { links.compactMap { $0?.handle } }

    /// The link behind a link index, if that index is live.
    @inline(__always)
    func link(_ index: UInt32) -> PeerLink? {
        let slot = Int(index & 0xFFFF)
        guard slot < links.count, let link = links[slot], link.localIndex == index else { return nil }
        return link
    }

    public func status(_ handle: SealPeerHandle) -> SealLinkStatus? {
        guard let link = link(handle.rawValue) else { return nil }
        let current = link.current
        let state: SealLinkStatus.State
        if current != nil {
            state = .established
        } else if case .awaitingAck = link.handshake {
            state = .handshaking
        } else {
            state = link.next == nil ? .idle : .handshaking
        }
        var inGrace = false
        if case .grace = link.previous { inGrace = true }
        return SealLinkStatus(peerId: link.identity.id, state: state,
                              inboundKeyId: current?.inboundKeyId, outboundKeyId: current?.outboundKeyId,
                              suite: current?.suite, packetsSent: current?.sendCounter ?? 0,
                              establishedAt: current?.establishedAt,
                              peerBootId: current?.peerBootId, previousInGrace: inGrace)
    }

    // MARK: Packet path

    /// Seals `payloadLength` octets at `buffer[16..<16+payloadLength]` in place:
    /// writes the header before them and the tag after them, and returns the
    /// datagram's length (`payloadLength + 32`). Does not allocate.
    public func seal(to peer: SealPeerHandle, payloadLength: Int, in buffer: UnsafeMutableRawBufferPointer,
                     now: ContinuousClock.Instant) throws(SealError) -> Int {
        guard let link = link(peer.rawValue) else { throw .unknownPeer(peer) }
        guard let session = link.current else { throw .noSession(peer: link.identity.id) }
        guard session.canSeal(now: now) else { throw .sessionExhausted(peer: link.identity.id) }
        let needed = SealHeader.sealedSize(payloadLength: payloadLength)
        guard payloadLength >= 0, buffer.count >= needed else {
            throw .bufferTooSmall(needed: needed, available: buffer.count)
        }
        if !link.wanted { link.wanted = true }
        session.seal(type: .data, payloadLength: payloadLength, in: buffer)
        counters.sealed &+= 1
        return needed
    }

    /// Authenticates and decrypts one datagram from the cascade port in place,
    /// or runs the handshake message it carries. Data does not allocate.
    /// After a drop the buffer's contents are unspecified (never partly decrypted).
    public func open(_ datagram: UnsafeMutableRawBufferPointer, now: ContinuousClock.Instant) -> SealInbound {
        guard datagram.count >= 2 else { return drop(.truncated) }
        switch SealMessageType(rawValue: datagram[1]) {
        case .data?, .confirm?: return openSealed(datagram, now: now)
        case .hello?: return receiveHello(UnsafeRawBufferPointer(datagram), now: now)
        case .helloAck?: return receiveHelloAck(UnsafeRawBufferPointer(datagram), now: now)
        case nil: return drop(.malformed)
        }
    }

    private func openSealed(_ datagram: UnsafeMutableRawBufferPointer, now: ContinuousClock.Instant) -> SealInbound {
        let header: SealHeader
        do { header = try SealHeader(parsing: UnsafeRawBufferPointer(datagram)) } catch { return drop(error) }
        guard let link = link(header.linkIndex) else { return drop(.unknownSender) }
        let session: LinkSession
        var isNext = false
        switch link.lookup(keyId: header.keyId, now: now) {
        case .current(let found), .previous(let found): session = found
        case .next(let found): session = found; isNext = true
        case .retired: return drop(.retiredKey)
        case .unknown: return drop(.unknownKey)
        }
        guard now < session.rejectAt else { return drop(.retiredKey) }
        if let reason = session.open(header: header, datagram: datagram) { return drop(reason) }
        // Authentic from here on.
        counters.opened &+= 1
        if isNext {
            link.next = nil
            link.install(session, now: now, policy: policy)
            counters.handshakesCompleted &+= 1
        }
        guard header.type == .data else {
            // A responder answers each confirm so the initiator learns the switch happened.
            let echo = session.role == .responder ? sealConfirm(session, now: now) : nil
            return .handshake(link.handle, reply: echo)
        }
        return .payload(link.handle, SealHeader.size..<(datagram.count - EnvelopeCipher.tagSize))
    }

    @inline(__always)
    func drop(_ reason: SealDropReason) -> SealInbound {
        counters.count(reason)
        return .dropped(reason)
    }

    /// A confirm (sealed, empty) under `session`; `nil` past the hard limits.
    func sealConfirm(_ session: LinkSession, now: ContinuousClock.Instant) -> [UInt8]? {
        guard session.canSeal(now: now) else { return nil }
        var datagram = [UInt8](repeating: 0, count: SealHeader.sealedSize(payloadLength: 0))
        datagram.withUnsafeMutableBytes { session.seal(type: .confirm, payloadLength: 0, in: $0) }
        session.lastConfirmSentAt = now
        counters.sealed &+= 1
        return datagram
    }

    /// Allocating convenience for cold paths and tests: a new datagram holding `payload` sealed.
    public func seal(_ payload: [UInt8], to peer: SealPeerHandle, now: ContinuousClock.Instant) throws(SealError) -> [UInt8] {
        var datagram = [UInt8](repeating: 0, count: SealHeader.sealedSize(payloadLength: payload.count))
        datagram.replaceSubrange(SealHeader.size..<(SealHeader.size + payload.count), with: payload)
        let result = datagram.withUnsafeMutableBytes { buffer in
            Result { () throws(SealError) -> Int in
                try seal(to: peer, payloadLength: payload.count, in: buffer, now: now)
            }
        }
        _ = try result.get()
        return datagram
    }
}

@available(*, unavailable)
extension SealRegistry: Sendable {}
