import Control
#if canImport(Glibc)
import Glibc
#endif

/// The bridge's media plane: one UDP socket for every participant, RFC 7983
/// demultiplexing, ICE-lite, DTLS, SRTP, and RTP/RTCP forwarding between the
/// endpoints of each conference.
///
/// Everything here runs on the media thread (`Bridge` owns the thread and
/// feeds commands in between batches). Datagrams are read into a
/// preallocated batch and answered through a preallocated send batch, so the
/// forwarding path does not allocate.
final class MediaEngine {
    let socket: UDPSocket
    let dtlsContext: DTLSContext
    let capacity: Int
    /// The bridge's own SSRC for the RTCP it originates (RR, NACK, PLI).
    let rtcpSSRC = UInt32.random(in: 1...UInt32.max)
    /// How long an endpoint may go without a valid ICE check (RFC 7675).
    var consentTimeout: Duration = .seconds(30)
    /// How long an allocated endpoint may take to connect.
    var connectTimeout: Duration = .seconds(30)

    let receiveBatch = DatagramBatch(capacity: 32)
    let outbox: Outbox
    /// Scratch space for RTCP and retransmissions built on the media thread.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: DatagramBatch.slotSize, alignment: 16)

    /// The overlay side, when this bridge cascades.
    var cascade: CascadePlane?
    /// `--emulate-wan`: delays toward participants, set per endpoint at allocate.
    var emulation: WANEmulation?
    /// Under emulation: the delay of each selected address that has one.
    var delayedPeers: [PeerAddress: Duration] = [:]
    var conferences: [String: Conference] = [:]
    var endpointsByUfrag: [String: Endpoint] = [:]
    var endpointsByAddress: [PeerAddress: Endpoint] = [:]
    var counters = MediaCounters()
    /// Endpoint events for the controller, drained by `Bridge`.
    var events: [EndpointEvent] = []
    var lastReports = ContinuousClock.now

    init(socket: UDPSocket, certificate: DTLSCertificate, capacity: Int) throws(DTLSError) {
        self.socket = socket
        self.outbox = Outbox(socket: socket)
        self.dtlsContext = try DTLSContext(certificate: certificate)
        self.capacity = capacity
    }

    deinit { scratch.deallocate() }

    var endpointCount: Int { endpointsByUfrag.count }

    // MARK: Receiving

    /// Reads and handles every waiting datagram; returns how many.
    @discardableResult
    func receiveAndForward(now: ContinuousClock.Instant) -> Int {
        let count = socket.receive(into: receiveBatch)
        for index in 0..<count {
            let length = receiveBatch.length(index)
            guard let peer = PeerAddress(receiveBatch.address(index)) else { continue }
            counters.packetsIn += 1
            counters.bytesIn += UInt64(length)
            handle(receiveBatch.slot(index), length: length, from: peer, now: now)
        }
        flush()
        return count
    }

    /// RFC 7983 demultiplexing by the first byte.
    func handle(_ buffer: UnsafeMutableRawBufferPointer, length: Int, from peer: PeerAddress,
                now: ContinuousClock.Instant) {
        let datagram = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        switch DatagramKind(classifying: datagram) {
        case .stun:
            handleSTUN(datagram, from: peer, now: now)
        case .dtls:
            guard let endpoint = endpointsByAddress[peer] else { return counters.drop(.unknownPeer) }
            handleDTLS(datagram, endpoint: endpoint, now: now)
        case .rtp:
            guard let endpoint = endpointsByAddress[peer] else { return counters.drop(.unknownPeer) }
            handleRTP(buffer, length: length, from: endpoint, now: now)
        case .rtcp:
            guard let endpoint = endpointsByAddress[peer] else { return counters.drop(.unknownPeer) }
            handleRTCP(buffer, length: length, from: endpoint, now: now)
        case .unknown:
            counters.drop(.unknownKind)
        }
    }

    // MARK: Sending

    /// Claims a send slot (flushing a full batch first).
    func sendSlot() -> UnsafeMutableRawBufferPointer {
        outbox.slot()
    }

    func commitSend(length: Int, to peer: PeerAddress) {
        outbox.commit(length: length, to: peer, delay: emulation == nil ? nil : delayedPeers[peer])
        counters.packetsOut += 1
        counters.bytesOut += UInt64(length)
    }

    /// Sends bytes built off the hot path (STUN responses, DTLS flights).
    func send(_ bytes: [UInt8], to peer: PeerAddress) {
        guard bytes.count <= DatagramBatch.slotSize else { return }
        let slot = sendSlot()
        bytes.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        commitSend(length: bytes.count, to: peer)
    }

    /// Protects an RTCP packet written at the start of `scratch` for
    /// `endpoint` and queues it.
    func sendRTCP(fromScratch length: Int, to endpoint: Endpoint) {
        guard let session = endpoint.srtpOut, let peer = endpoint.selectedAddress else { return }
        let slot = sendSlot()
        slot.baseAddress!.copyMemory(from: scratch.baseAddress!, byteCount: length)
        guard let protected = try? session.protectRTCP(slot, length: length) else { return }
        commitSend(length: protected, to: peer)
    }

    /// Sends what is queued on the media socket and on the overlay socket.
    func flush() {
        outbox.flush()
        counters.drop(.sendFailed, count: outbox.takeRefused())
        if let plane = cascade {
            plane.outbox.flush()
            counters.drop(.sendFailed, count: plane.outbox.takeRefused())
        }
    }

    // MARK: Endpoint lifecycle

    func endpoint(_ conference: String, _ id: String) -> Endpoint? {
        conferences[conference]?.endpoints[id]
    }

    /// Removes an endpoint and everything that points to it.
    func remove(_ endpoint: Endpoint, event: EndpointEvent.Kind?, detail: String? = nil) {
        endpoint.phase = .closed
        if case .connected = endpoint.dtls.state {
            for datagram in endpoint.dtls.close() {
                if let peer = endpoint.selectedAddress { send(datagram, to: peer) }
            }
        }
        if let conference = conferences[endpoint.conference] {
            conference.remove(endpoint)
            // A cascaded conference stays while the controller's command says
            // so (its relayed endpoints come and go with the command).
            if conference.endpoints.isEmpty, conference.cascade == nil {
                conferences[endpoint.conference] = nil
                refreshLinkUsage()
            } else if endpoint.origin == nil, conference.cascade != nil {
                sendInterest(conference, force: false, now: .now)
            }
        }
        endpointsByUfrag[endpoint.responder.local.ufrag] = nil
        for address in endpoint.validatedAddresses where endpointsByAddress[address] === endpoint {
            endpointsByAddress[address] = nil
            delayedPeers[address] = nil
        }
        if let event {
            events.append(EndpointEvent(conference: endpoint.conference, endpoint: endpoint.id, kind: event, detail: detail))
        }
    }
}

@available(*, unavailable)
extension MediaEngine: Sendable {}
