import Control

/// Which RTCP ends at the bridge and which goes on (each leg is its own RTP
/// session, RFC 7667 §3.7 "media-switching mixer"):
///
/// | from | RTCP | what the bridge does |
/// |---|---|---|
/// | sender | SR | translated to each receiver (announced SSRC, same NTP/RTP times) for lip sync; LSR for our RR |
/// | sender | RR, SDES, BYE, REMB, transport-cc | ends here |
/// | receiver | NACK | answered from the retransmission cache (RTX if negotiated); misses are counted |
/// | receiver | PLI, FIR | becomes one PLI to the sender, at most one per source per second |
/// | receiver | RR, SR, SDES, BYE, REMB, transport-cc | ends here |
/// | bridge | RR to each sender (every second), PLI to senders, SR translations to receivers | originated |
///
/// Across the cascade (`MediaEngine+Cascade*`): translated SRs follow the
/// stream down the tree; a receiver's PLI/FIR for a relayed stream becomes
/// a keyframe request toward the origin (limited per stream on every hop);
/// a NACK the bridge's cache cannot answer goes one hop up as a cascade
/// NACK. RR, REMB and transport-cc never cross a link.
extension MediaEngine {
    func handleRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, from endpoint: Endpoint,
                    now: ContinuousClock.Instant) {
        guard let session = endpoint.srtpIn else { return counters.drop(.notConnected) }
        let plainLength: Int
        do { plainLength = try session.unprotectRTCP(buffer, length: length) } catch {
            return counters.drop(error == .replayed || error == .replayTooOld ? .srtpReplay : .srtpAuthentication)
        }
        guard let conference = conferences[endpoint.conference] else { return }
        var packets = RTCPCompoundIterator(UnsafeRawBufferPointer(rebasing: buffer[0..<plainLength]))
        do {
            while let packet = try packets.next() {
                switch packet.kind {
                case .senderReport: try translateSenderReport(packet, from: endpoint, in: conference, now: now)
                case .genericNACK: try answerNACK(packet, from: endpoint, in: conference)
                case .pictureLossIndication:
                    let (_, media) = try RTCPPictureLossIndication.read(packet)
                    keyframeWanted(announcedSSRC: media, by: endpoint, in: conference, now: now)
                case .fullIntraRequest:
                    for entry in try RTCPFullIntraRequest(packet).entries {
                        keyframeWanted(announcedSSRC: entry.ssrc, by: endpoint, in: conference, now: now)
                    }
                default:
                    continue
                }
            }
        } catch {
            counters.drop(.rtcpMalformed)
        }
    }

    private func translateSenderReport(_ packet: RTCPPacket, from endpoint: Endpoint, in conference: Conference,
                                       now: ContinuousClock.Instant) throws(RTCPError) {
        let report = try RTCPSenderReport(packet)
        guard let (producer, isRTX) = conference.producersByIncomingSSRC[report.ssrc],
              !isRTX, producer.endpoint === endpoint else { return }
        producer.lastSenderReport = (UInt32(truncatingIfNeeded: report.senderInfo.ntpTimestamp >> 16), now)
        guard let length = try? RTCPSenderReport.write(ssrc: producer.source.announcedSSRC,
                                                        senderInfo: report.senderInfo, reportBlocks: [],
                                                        to: scratchRTCP) else { return }
        sendSenderReport(fromScratch: length, to: producer.consumers)
        forwardSenderReportToLinks(length: length, producer: producer, hops: 0, now: now)
    }

    /// A translated SR (at the start of `scratch`) to each receiver, its RTP
    /// timestamp in that receiver's numbering of the stream, so lip sync
    /// survives a change of source. `sendRTCP` protects a copy in the send
    /// slot, so the scratch can be patched for the next receiver.
    func sendSenderReport(fromScratch length: Int, to consumers: [Consumer]) {
        let timestampOffset = 16
        let timestamp = UInt32(bigEndian: scratch.loadUnaligned(fromByteOffset: timestampOffset, as: UInt32.self))
        for consumer in consumers where consumer.receiver.canReceiveMedia {
            scratch.storeBytes(of: (timestamp &+ consumer.continuity.timestampOffset).bigEndian,
                               toByteOffset: timestampOffset, as: UInt32.self)
            sendRTCP(fromScratch: length, to: consumer.receiver)
        }
        scratch.storeBytes(of: timestamp.bigEndian, toByteOffset: timestampOffset, as: UInt32.self)
    }

    /// A receiver lost packets of `mediaSSRC` (an announced SSRC): resend
    /// them from the cache, as RTX when the receiver negotiated it.
    private func answerNACK(_ packet: RTCPPacket, from receiver: Endpoint, in conference: Conference) throws(RTCPError) {
        let nack = try RTCPGenericNACK(packet)
        guard let producer = conference.producersByAnnouncedSSRC[nack.mediaSSRC], let cache = producer.cache,
              let consumer = producer.consumers.first(where: { $0.receiver === receiver }),
              receiver.canReceiveMedia else { return }
        var misses: [UInt16] = []
        defer {
            // A relayed stream's gap may be filled by the bridge upstream (hop by hop).
            if !misses.isEmpty, producer.endpoint.origin != nil { sendNACKUpstream(producer, misses) }
        }
        for requested in nack.lostSequenceNumbers {
            // The receiver's numbering → the cache's (the current source's).
            let sequenceNumber = consumer.continuity.unmap(sequence: requested)
            guard let cached = cache.packet(sequenceNumber: sequenceNumber) else {
                counters.retransmissionMisses += 1
                misses.append(sequenceNumber)
                continue
            }
            counters.retransmissions += 1
            if let rtxPayload = receiver.payloads.rtx, let rtxSSRC = producer.source.announcedRTXSSRC {
                sendRTX(cached, producer: producer, ssrc: rtxSSRC, payloadType: rtxPayload, consumer: consumer)
            } else {
                forward(cached, of: producer, to: consumer)
            }
        }
    }

    /// RFC 4588 §4: the original packet with the RTX SSRC, RTX payload type,
    /// the RTX stream's own sequence number, and the original sequence
    /// number in front of the payload.
    private func sendRTX(_ original: UnsafeRawBufferPointer, producer: Producer, ssrc: UInt32,
                         payloadType: UInt8, consumer: Consumer) {
        // The original sequence number and timestamp as the receiver knows them.
        let (originalSequence, timestamp) = consumer.continuity.map(
            sequence: UInt16(bigEndian: original.loadUnaligned(fromByteOffset: 2, as: UInt16.self)),
            timestamp: UInt32(bigEndian: original.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            source: producer.generation, timestampStep: producer.timestampStep)
        guard let header = try? RTPPacket(parsing: original), let session = consumer.receiver.srtpOut,
              let peer = consumer.receiver.selectedAddress, original.count + 2 <= RetransmissionCache.maximumPacketSize
        else { return }
        let headerLength = header.headerLength
        let slot = sendSlot()
        let base = slot.baseAddress!
        base.copyMemory(from: original.baseAddress!, byteCount: headerLength)
        slot.storeBytes(of: originalSequence.bigEndian, toByteOffset: headerLength, as: UInt16.self)
        (base + headerLength + 2).copyMemory(from: original.baseAddress! + headerLength,
                                            byteCount: original.count - headerLength)
        slot[1] = (slot[1] & 0x80) | (payloadType & 0x7F)
        slot.storeBytes(of: consumer.rtxSequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        slot.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        slot.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        consumer.rtxSequenceNumber &+= 1
        guard let protected = try? session.protect(rtp: slot, length: original.count + 2) else { return }
        commitSend(length: protected, to: peer)
    }

    private func keyframeWanted(announcedSSRC: UInt32, by receiver: Endpoint, in conference: Conference,
                                now: ContinuousClock.Instant) {
        guard let producer = conference.producersByAnnouncedSSRC[announcedSSRC],
              producer.source.kind == .video else { return }
        requestKeyframe(producer, now: now)
    }

    /// Asks the sender for a keyframe, coalesced: at most one PLI per source
    /// per second; a request inside the interval is sent when it ends.
    func requestKeyframe(_ producer: Producer, now: ContinuousClock.Instant) {
        guard producer.keyframes.shouldSend(at: now) else {
            producer.keyframePending = true
            return
        }
        producer.keyframePending = false
        if producer.endpoint.origin != nil {
            // A relayed stream: the request travels toward its origin bridge.
            return sendKeyframeRequestUpstream(producer, now: now)
        }
        guard let length = try? RTCPPictureLossIndication.write(senderSSRC: rtcpSSRC, mediaSSRC: producer.source.ssrc,
                                                                 to: scratchRTCP) else { return }
        counters.keyframeRequestsSent += 1
        sendRTCP(fromScratch: length, to: producer.endpoint)
    }

    /// RR to every sender about what the bridge received from it (RFC 3550 §6.4.2).
    func sendReceiverReports(now: ContinuousClock.Instant) {
        for conference in conferences.values {
            for endpoint in conference.endpoints.values where endpoint.canReceiveMedia && !endpoint.producers.isEmpty {
                let blocks = endpoint.producers.prefix(31).map { producer in
                    let (lsr, dlsr) = senderReportTiming(producer, now: now)
                    return RTCPReportBlock(ssrc: producer.source.ssrc,
                                           fractionLost: producer.reception.takeFractionLost(),
                                           cumulativeLost: producer.reception.cumulativeLost,
                                           extendedHighestSequenceNumber: producer.reception.extendedHighest,
                                           jitter: 0, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
                }
                guard let length = try? RTCPReceiverReport.write(ssrc: rtcpSSRC, reportBlocks: Array(blocks),
                                                                 to: scratchRTCP) else { continue }
                sendRTCP(fromScratch: length, to: endpoint)
            }
        }
    }

    /// LSR and DLSR (in 1/65536 s) for a producer's last SR.
    private func senderReportTiming(_ producer: Producer, now: ContinuousClock.Instant) -> (UInt32, UInt32) {
        guard let last = producer.lastSenderReport else { return (0, 0) }
        let delay = now - last.arrival
        let units = Double(delay.components.seconds) * 65536 + Double(delay.components.attoseconds) / 1e18 * 65536
        return (last.ntpMiddle, UInt32(min(units, Double(UInt32.max))))
    }

    /// RTCP is written at the start of the scratch buffer, then copied into a
    /// send slot and protected there.
    var scratchRTCP: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: scratch[0..<1400])
    }
}
