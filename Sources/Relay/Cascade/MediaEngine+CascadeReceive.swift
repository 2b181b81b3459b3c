import Cascade
import Control
import Overlay

/// The receive side of the overlay socket: open the envelope (authenticate
/// before anything else), read the frame, and act on it. Media from a link
/// takes the ordinary path from here: the relayed endpoint's producer keeps
/// it for retransmissions and copies it to local receivers and onward links.
extension MediaEngine {
    /// Reads and handles every waiting overlay datagram; returns how many.
    @discardableResult
    func receiveCascade(now: ContinuousClock.Instant) -> Int {
        guard let plane = cascade else { return 0 }
        let count = plane.socket.receive(into: plane.receiveBatch)
        for index in 0..<count {
            let slot = plane.receiveBatch.slot(index)
            let length = plane.receiveBatch.length(index)
            let datagram = UnsafeMutableRawBufferPointer(rebasing: slot[0..<length])
            switch plane.registry.open(datagram, now: now) {
            case .dropped:
                counters.drop(.cascadeEnvelope)
            case .handshake(let handle, let reply):
                guard let link = plane.link(handle: handle, now: now) else { continue }
                if let reply { plane.sendRaw(reply, to: link) }
                if plane.registry.status(handle)?.state == .established { linkEstablished(link, now: now) }
            case .payload(let handle, let range):
                guard let link = plane.link(handle: handle, now: now) else {
                    counters.drop(.cascadeUnknownStream)
                    continue
                }
                link.packetsIn &+= 1
                link.bytesIn &+= UInt64(length)
                handleFrame(UnsafeMutableRawBufferPointer(rebasing: slot[range]), from: link, now: now)
            }
        }
        flush()
        return count
    }

    private func handleFrame(_ frame: UnsafeMutableRawBufferPointer, from link: CascadeLink, now: ContinuousClock.Instant) {
        let bytes = UnsafeRawBufferPointer(frame)
        let header: CascadeFrame
        do { header = try CascadeFrame(parsing: bytes) } catch { return counters.drop(.cascadeMalformed) }
        let body = UnsafeRawBufferPointer(rebasing: bytes[header.body])
        do {
            switch header.kind {
            case .ping:
                let token = try LinkMessage.readToken(body, kind: .ping)
                sendLinkMessage(.pong, conference: "", to: link, now: now) { LinkMessage.writeToken(token, into: $0) }
            case .pong:
                let token = try LinkMessage.readToken(body, kind: .pong)
                if link.liveness.pongReceived(token: token, now: now) == .wentUp { linkChanged(link, .up) }
            case .bye:
                if link.liveness.markDown() == .wentDown { linkChanged(link, .down) }
            case .media, .senderReport:
                handleStreamFrame(header, frame, from: link, now: now)
            case .interest:
                let chunk = try LinkMessage.readInterest(body)
                guard let conference = cascadedConference(header, bytes, on: link),
                      let state = conference.cascade, state.routes.neighbours.contains(link.peer) else {
                    return counters.drop(.cascadeUnknownStream)
                }
                guard let interest = state.interestAssembly[link.peer, default: InterestAssembly()].add(chunk),
                      state.interestFrom[link.peer] != interest else { return }
                state.interestFrom[link.peer] = interest
                rebuildLinkConsumers(conference, now: now)
                sendInterest(conference, force: false, now: now)
            case .keyframeRequest:
                let ssrc = try LinkMessage.readSSRC(body)
                guard let producer = cascadedConference(header, bytes, on: link)?.producersByAnnouncedSSRC[ssrc],
                      producer.source.kind == .video else { return counters.drop(.cascadeUnknownStream) }
                requestKeyframe(producer, now: now)
            case .nack:
                let (ssrc, sequenceNumbers) = try LinkMessage.readNACK(body)
                guard let producer = cascadedConference(header, bytes, on: link)?.producersByAnnouncedSSRC[ssrc] else {
                    return counters.drop(.cascadeUnknownStream)
                }
                answerLinkNACK(producer, sequenceNumbers, to: link, now: now)
            }
        } catch {
            counters.drop(.cascadeMalformed)
        }
    }

    /// The cascaded conference a frame names. The link remembers the last
    /// one, so a stream's frames find it by comparing octets instead of
    /// making a String per packet (a room name over 15 octets is a heap
    /// allocation); the remembered one counts only while still registered.
    private func cascadedConference(_ header: CascadeFrame, _ frame: UnsafeRawBufferPointer,
                                    on link: CascadeLink) -> Conference? {
        if let known = link.lastConference, CascadeFrame.name(header.conference, in: frame, equals: known.id),
           conferences[known.id] === known {
            return known.cascade == nil ? nil : known
        }
        guard let conference = conferences[CascadeFrame.name(header.conference, in: frame)],
              conference.cascade != nil else { return nil }
        link.lastConference = conference
        return conference
    }

    /// A stream's RTP packet or sender report from a link. It must arrive on
    /// the link toward its origin and within the hop limit.
    private func handleStreamFrame(_ header: CascadeFrame, _ frame: UnsafeMutableRawBufferPointer, from link: CascadeLink,
                                   now: ContinuousClock.Instant) {
        let bytes = UnsafeRawBufferPointer(frame)
        guard header.hops < CascadeFrame.maximumHops else { return counters.drop(.cascadeHops) }
        guard let conference = cascadedConference(header, bytes, on: link), let state = conference.cascade else {
            return counters.drop(.cascadeUnknownStream)
        }
        let body = UnsafeMutableRawBufferPointer(rebasing: frame[header.body])
        let packet = UnsafeRawBufferPointer(body)
        let ssrc: UInt32
        if header.kind == .media {
            guard let rtp = try? RTPPacket(parsing: packet) else { return counters.drop(.cascadeMalformed) }
            ssrc = rtp.ssrc
        } else {
            var packets = RTCPCompoundIterator(packet)
            guard let first = try? packets.next(), first.kind == .senderReport,
                  let report = try? RTCPSenderReport(first) else {
                return counters.drop(.cascadeMalformed)
            }
            ssrc = report.ssrc
        }
        guard let producer = conference.producersByAnnouncedSSRC[ssrc], let origin = producer.endpoint.origin else {
            return counters.drop(.cascadeUnknownStream)
        }
        guard state.routes.parent(towardOrigin: origin) == link.peer else { return counters.drop(.cascadeWrongLink) }
        let linkCounters = state.counters(for: link.peer)
        linkCounters.packetsIn &+= 1
        linkCounters.bytesIn &+= UInt64(frame.count)
        if header.kind == .senderReport {
            return relaySenderReport(packet, producer: producer, hops: header.hops + 1, now: now)
        }
        let sequenceNumber = UInt16(packet[2]) << 8 | UInt16(packet[3])
        // A repair this bridge already had (another bridge asked) goes no further.
        if header.flags.contains(.retransmission), producer.cache?.packet(sequenceNumber: sequenceNumber) != nil { return }
        distribute(packet, sequenceNumber: sequenceNumber, of: producer, hops: header.hops + 1, flags: header.flags,
                   now: now)
    }

    private func relaySenderReport(_ report: UnsafeRawBufferPointer, producer: Producer, hops: UInt8,
                                   now: ContinuousClock.Instant) {
        guard report.count <= scratchRTCP.count else { return }
        scratch.baseAddress!.copyMemory(from: report.baseAddress!, byteCount: report.count)
        sendSenderReport(fromScratch: report.count, to: producer.consumers)
        forwardSenderReportToLinks(length: report.count, producer: producer, hops: hops, now: now)
    }

    /// A neighbour misses packets of a stream: resend what the cache holds
    /// (flagged, so bridges that had them drop the copy), ask upstream for the rest.
    private func answerLinkNACK(_ producer: Producer, _ sequenceNumbers: [UInt16], to link: CascadeLink,
                                now: ContinuousClock.Instant) {
        guard let cache = producer.cache, let consumer = producer.linkConsumers.first(where: { $0.link === link }) else {
            return
        }
        var misses: [UInt16] = []
        for sequenceNumber in sequenceNumbers {
            guard let cached = cache.packet(sequenceNumber: sequenceNumber) else {
                misses.append(sequenceNumber)
                continue
            }
            counters.retransmissions += 1
            sendStreamFrames(.media, cached, of: producer, to: [consumer], hops: 0, flags: .retransmission, now: now)
        }
        if !misses.isEmpty, producer.endpoint.origin != nil { sendNACKUpstream(producer, misses) }
    }

    /// Liveness: a ping per interval on every link in use; three missed
    /// pongs and the link is down (the controller hears it and replans), and
    /// the sealed session is renewed in case the peer restarted.
    func tickCascade(now: ContinuousClock.Instant) {
        guard let plane = cascade else { return }
        plane.tickSeals(now: now)
        for link in plane.links.values where link.inUse {
            if link.liveness.check(now: now) == .wentDown {
                linkChanged(link, .down)
                if let hello = plane.registry.renew(link.handle, now: now) { plane.sendRaw(hello.datagram, to: link) }
            }
            if let token = link.liveness.pingDue(now: now) {
                sendLinkMessage(.ping, conference: "", to: link, now: now) { LinkMessage.writeToken(token, into: $0) }
            }
        }
        flush()
    }

    /// A handshake with the link's peer completed: ping at once (the link
    /// is up one round trip later, not at the next ping interval) and send
    /// the interest that could not go out while there was no session — on
    /// a new or repaired link this is what media waits for.
    private func linkEstablished(_ link: CascadeLink, now: ContinuousClock.Instant) {
        guard link.inUse else { return }
        link.liveness.pingNow(at: now)
        if let token = link.liveness.pingDue(now: now) {
            sendLinkMessage(.ping, conference: "", to: link, now: now) { LinkMessage.writeToken(token, into: $0) }
        }
        for conference in conferences.values where conference.cascade?.routes.neighbours.contains(link.peer) == true {
            sendInterest(conference, force: true, now: now)
        }
    }

    private func linkChanged(_ link: CascadeLink, _ state: LinkEvent.State) {
        cascade?.linkEvents.append(LinkEvent(peer: link.peer, state: state, rttMs: link.liveness.rttMilliseconds))
    }
}
