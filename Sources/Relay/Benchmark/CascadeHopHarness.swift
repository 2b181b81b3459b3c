import Cascade
import Control
import Overlay
#if canImport(Glibc)
import Glibc
#endif

/// The three bridges of `meridian bench cascade` on 127.0.0.1: an upstream
/// bridge where a participant's video enters the cascade, the transit bridge
/// whose hop is measured, and a downstream bridge with one local receiver.
/// Each is a `MediaEngine` with its own `CascadePlane` (own key, own
/// `SealRegistry`), so the sealed sessions come from a real handshake and
/// the downstream bridge's interest reaches the transit bridge as it would in
/// a call: the transit bridge copies the stream onto its link toward the
/// downstream bridge only because that bridge asked for it.
///
/// Per burst, the upstream bridge writes 32 media frames (its stream header,
/// a 1,100-byte RTP video packet), seals them to the transit bridge and
/// sends them in one `sendmmsg`; then `forwardBurst` runs the transit
/// bridge's `receiveCascade` — recvmmsg, open, frame parse, conference and
/// producer lookup, route check toward the origin, reception statistics,
/// retransmission cache, copy into a send slot, seal, sendmmsg — and reads
/// this thread's CPU clock around that call only. `drainDownstream` then lets
/// the downstream bridge open, route and deliver what arrived, and checks it.
///
/// Single-threaded: everything runs on the thread that created it, the way
/// `CascadeTestCluster` drives bridges in the tests.
final class CascadeHopHarness {
    /// A room name as people type them (20 octets: longer than Swift's
    /// 15-octet inline strings), bridge ids from topology/earth.yaml, and a
    /// 12-character endpoint token as the controller makes them.
    static let conference = "design-review-weekly"
    static let upstreamId = "iad-1"
    static let transitId = "fra-1"
    static let downstreamId = "sin-1"
    static let source = "Hq3vT9xKw2Lm"
    static let viewerId = "Zp7cR4nD8sYe"
    static let audioSSRC: UInt32 = 0x3A5C_0001
    static let videoSSRC: UInt32 = 0x3A5C_0002
    static let burst = 32

    /// What went through, for the verification and the report.
    struct Tally {
        /// Media frames the upstream bridge sent to the transit bridge.
        var sent = 0
        /// Copies the transit bridge queued onto its link toward downstream.
        var forwarded = 0
        /// Frames the downstream bridge opened, parsed and accepted from the transit link.
        var received = 0
        /// SRTP packets the downstream bridge's local receiver got.
        var delivered = 0
        /// Received packets compared octet for octet with what was sent (one per burst).
        var compared = 0
        var mismatches = 0
    }

    let upstream: MediaEngine
    let transit: MediaEngine
    let downstream: MediaEngine
    let packetSize: Int
    /// The cascade frame a media packet travels in: stream header + RTP.
    var frameLength: Int { header.count + packetSize }
    /// On the wire between bridges: the frame sealed.
    var datagramLength: Int { SealHeader.sealedSize(payloadLength: frameLength) }
    private(set) var tally = Tally()

    private let viewer: UDPSocket
    private let viewerBatch = DatagramBatch(capacity: 32)
    /// The receiver's keys: what reaches it is counted only if it decrypts.
    private let viewerKeys: ForwardingLegs.Leg
    private let viewerInbound: SRTPSession
    private let header: [UInt8]
    private let packet: UnsafeMutableRawBufferPointer
    private var sequence: UInt16 = 0
    private var lastTick = ContinuousClock.now
    /// The transit bridge's copy of the video onto its link toward downstream.
    private var transitConsumer: LinkConsumer?

    init(packetSize: Int) throws(CascadeHopBenchmark.Failure) {
        guard packetSize >= 12, packetSize <= 1_400 else {
            throw .invalidConfiguration("packet size must be 12…1,400 octets")
        }
        self.packetSize = packetSize
        let loopback = PeerAddress(ip: [127, 0, 0, 1], port: 0)!
        var engines: [MediaEngine] = []
        var peers: [CascadePeer] = []
        do {
            for id in [Self.upstreamId, Self.transitId, Self.downstreamId] {
                let engine = try MediaEngine(socket: UDPSocket(bind: loopback), certificate: DTLSCertificate(), capacity: 8)
                engine.consentTimeout = .seconds(7 * 24 * 3600)
                let key = KeyPair.generate()
                // Pings every 250 ms: few enough that the transit bridge's
                // pong answers are noise next to the media it forwards.
                let plane = try CascadePlane(localId: id, settings: CascadeSettings(
                    overlay: loopback, key: key, pingInterval: .milliseconds(250), missedPongs: 8))
                engine.cascade = plane
                engines.append(engine)
                peers.append(CascadePeer(id: id, overlay: plane.socket.localAddress, publicKey: key.publicKey))
            }
            for engine in engines { try engine.cascade!.setPeers(peers) }
            viewer = try UDPSocket(bind: loopback)
            viewerKeys = try ForwardingLegs.randomLeg()
            viewerInbound = try viewerKeys.peerSide.makeInboundSession()
        } catch {
            throw .setup("bridges: \(error)")
        }
        (upstream, transit, downstream) = (engines[0], engines[1], engines[2])
        guard let header = CascadeFrame.header(.media, mediaKind: .video, conference: Self.conference,
                                               origin: Self.upstreamId, source: Self.source) else {
            throw .setup("stream header")
        }
        self.header = header
        packet = .allocate(byteCount: packetSize, alignment: 16)
        Self.writeVideoPacket(into: packet)
        try connect()
    }

    deinit { packet.deallocate() }

    /// RTP v2, VP8 (PT 96), the announced SSRC (between bridges a stream is
    /// known by it), a VP8 payload descriptor, then a fixed pseudo-random payload.
    private static func writeVideoPacket(into packet: UnsafeMutableRawBufferPointer) {
        var state: UInt32 = 0x9E37_79B9
        for index in packet.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            packet[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        packet[0] = 0x80
        packet[1] = 96
        packet.storeBytes(of: videoSSRC.bigEndian, toByteOffset: 8, as: UInt32.self)
        packet[12] = 0x90   // X=1, S=1: start of a partition
        packet[13] = 0x80   // I=1: a 15-bit picture id follows
    }

    /// The cascade commands (links iad-1–fra-1–sin-1, the participant on
    /// iad-1), the receiver on sin-1, then handshakes and interest until the
    /// transit bridge copies the video toward sin-1.
    private func connect() throws(CascadeHopBenchmark.Failure) {
        let now = ContinuousClock.now
        let links = [Control.CascadeEdge(Self.upstreamId, Self.transitId), Control.CascadeEdge(Self.transitId, Self.downstreamId)]
        let remote = [RemoteEndpoint(endpoint: Self.source, bridge: Self.upstreamId,
                                     audioSSRC: Self.audioSSRC, videoSSRC: Self.videoSSRC)]
        do {
            try downstream.installDirectEndpoint(conference: Self.conference, id: Self.viewerId, peer: viewer.localAddress,
                                                 keys: viewerKeys.bridgeSide, sends: [], receives: [Self.videoSSRC], now: now)
        } catch {
            throw .setup("receiver on \(Self.downstreamId): \(error)")
        }
        for (engine, remote) in [(upstream, [RemoteEndpoint]()), (transit, remote), (downstream, remote)] {
            let command = ControlCommand.cascade(.init(conference: Self.conference, links: links, remote: remote))
            if let error = engine.apply(command, now: now) { throw .setup("cascade command refused: \(error)") }
            engine.flush()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !isReady {
            guard ContinuousClock.now < deadline else {
                throw .setup("links did not come up or \(Self.downstreamId)'s interest did not reach \(Self.transitId) in 10 s")
            }
            pumpAll()
        }
    }

    /// Lets the transit bridge read whatever link messages are waiting. Not measured.
    func settleTransit() {
        while transit.receiveCascade(now: .now) > 0 {}
    }

    /// The cipher suites the hop's two sealed links negotiated, as their
    /// senders seal with them: iad-1 → fra-1 and fra-1 → sin-1 (both are
    /// established once the harness is ready).
    var hopSuites: (inbound: EnvelopeCipher.Suite?, outbound: EnvelopeCipher.Suite?) {
        func suite(_ engine: MediaEngine, to peer: String) -> EnvelopeCipher.Suite? {
            guard let plane = engine.cascade, let handle = plane.registry.peer(id: peer) else { return nil }
            return plane.registry.status(handle)?.suite
        }
        return (suite(upstream, to: Self.transitId), suite(transit, to: Self.downstreamId))
    }

    private var transitVideo: Producer? {
        transit.conferences[Self.conference]?.producersByAnnouncedSSRC[Self.videoSSRC]
    }

    private var downstreamVideo: Producer? {
        downstream.conferences[Self.conference]?.producersByAnnouncedSSRC[Self.videoSSRC]
    }

    private var isReady: Bool {
        func established(_ engine: MediaEngine, to peer: String) -> Bool {
            guard let plane = engine.cascade, let handle = plane.registry.peer(id: peer) else { return false }
            return plane.registry.status(handle)?.state == .established
        }
        return established(upstream, to: Self.transitId) && established(transit, to: Self.downstreamId)
            && transitVideo?.linkConsumers.contains { $0.link.peer == Self.downstreamId } == true
            && downstreamVideo != nil
    }

    /// Every bridge reads everything waiting and runs its timers; the
    /// receiver is drained. Setup only: nothing here is measured.
    private func pumpAll() {
        let now = ContinuousClock.now
        for engine in [upstream, transit, downstream] {
            while engine.receiveAndForward(now: now) > 0 {}
            while engine.receiveCascade(now: now) > 0 {}
            engine.tick(now: now)
        }
        while viewer.receive(into: viewerBatch) > 0 {}
    }

    // MARK: One burst

    /// The upstream bridge seals 32 frames to the transit bridge and sends
    /// them (one sendmmsg). Not measured.
    func sendBurst() {
        let plane = upstream.cascade!
        guard let link = plane.links[Self.transitId] else { return }
        for _ in 0..<Self.burst {
            let slot = plane.frameSlot()
            header.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
            let rtp = slot.baseAddress! + header.count
            rtp.copyMemory(from: packet.baseAddress!, byteCount: packetSize)
            rtp.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
            rtp.storeBytes(of: (UInt32(sequence) &* 3_000).bigEndian, toByteOffset: 4, as: UInt32.self)
            if plane.commitFrame(length: frameLength, to: link, now: .now) { tally.sent += 1 }
            sequence &+= 1
        }
        plane.outbox.flush()
        // Looked up here so that `forwardBurst` does nothing but the hop.
        transitConsumer = transitVideo?.linkConsumers.first { $0.link.peer == Self.downstreamId }
    }

    /// The hop: the transit bridge's `receiveCascade`, called until the
    /// burst's copies are queued (once, unless a ping or pong shared the
    /// batch), with this thread's CPU clock read around each call. Returns
    /// the CPU nanoseconds and the copies forwarded.
    func forwardBurst() -> (cpuNanoseconds: UInt64, forwarded: Int) {
        guard let consumer = transitConsumer else { return (0, 0) }
        let before = consumer.packets
        var cpu: UInt64 = 0
        var empty = 0
        while consumer.packets - before < UInt64(Self.burst), empty < 2 {
            let start = cpuClockNanoseconds(CLOCK_THREAD_CPUTIME_ID)
            let read = transit.receiveCascade(now: .now)
            cpu += cpuClockNanoseconds(CLOCK_THREAD_CPUTIME_ID) - start
            if read == 0 { empty += 1 }
        }
        let forwarded = Int(consumer.packets - before)
        tally.forwarded += forwarded
        return (cpu, forwarded)
    }

    /// The downstream bridge opens and routes what arrived and delivers it
    /// to its receiver; the last packet of the burst, as the downstream
    /// bridge cached it, is compared with what the upstream bridge sent.
    /// Every 20 ms the three bridges also run their timers (pings, interest
    /// refresh) and the upstream bridge reads what came back to it, unless
    /// `runTimers` is false (then only media reaches the transit bridge). Not measured.
    func drainDownstream(runTimers: Bool = true) {
        let counters = downstream.conferences[Self.conference]?.cascade?.counters[Self.transitId]
        let before = counters?.packetsIn ?? 0
        while downstream.receiveCascade(now: .now) > 0 {}
        tally.received += Int((counters?.packetsIn ?? 0) - before)
        while true {
            let count = viewer.receive(into: viewerBatch)
            guard count > 0 else { break }
            for index in 0..<count where isVideo(viewerBatch.slot(index), length: viewerBatch.length(index)) {
                tally.delivered += 1
            }
        }
        compareLast()
        let now = ContinuousClock.now
        if runTimers, now - lastTick >= .milliseconds(20) {
            lastTick = now
            while upstream.receiveCascade(now: now) > 0 {}
            for engine in [upstream, transit, downstream] { engine.tick(now: now) }
        }
    }

    /// A datagram to the receiver that decrypts with its keys and is the
    /// video stream (RTCP the bridge sends it, like a PLI answer, is not).
    private func isVideo(_ slot: UnsafeMutableRawBufferPointer, length: Int) -> Bool {
        guard length >= 12, slot[1] & 0x7F == 96,
              let plain = try? viewerInbound.unprotect(rtp: slot, length: length), plain == packetSize else { return false }
        return UInt32(bigEndian: slot.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == Self.videoSSRC
    }

    private func compareLast() {
        let last = sequence &- 1
        tally.compared += 1
        guard let cached = downstreamVideo?.cache?.packet(sequenceNumber: last), cached.count == packetSize else {
            tally.mismatches += 1
            return
        }
        let same = cached.indices.allSatisfy { index in
            switch index {
            case 2: return cached[2] == UInt8(last >> 8)
            case 3: return cached[3] == UInt8(last & 0xFF)
            case 4...7: return true   // the timestamp, written per packet
            default: return cached[index] == packet[index]
            }
        }
        if !same { tally.mismatches += 1 }
    }

    /// Drops on the transit and downstream bridges (envelope, routing, no
    /// session, kernel refusals): any would mean a broken path.
    var drops: UInt64 {
        [transit, downstream].reduce(0) { sum, engine in
            sum + DropReason.allCases.reduce(0) { $0 + engine.counters.drops($1) }
        }
    }
}

@available(*, unavailable)
extension CascadeHopHarness: Sendable {}
