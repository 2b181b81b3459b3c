import Cascade

/// Sending onto cascade links: media copies (one per link that asked for the
/// stream), translated sender reports, and the requests that travel toward
/// a stream's origin (keyframes, NACKs).
extension MediaEngine {
    /// Copies `packet` (plain RTP) into a frame for each link consumer of
    /// `producer`, with the announced SSRC. No allocation: the stream's
    /// header is built once and each frame is written straight into a send slot.
    func forwardToLinks(_ packet: UnsafeRawBufferPointer, producer: Producer, hops: UInt8,
                        flags: CascadeFrame.Flags, now: ContinuousClock.Instant) {
        sendStreamFrames(.media, packet, of: producer, to: producer.linkConsumers, hops: hops, flags: flags, now: now)
    }

    /// A translated SR (at the start of `scratch`) to every link that carries the stream.
    func forwardSenderReportToLinks(length: Int, producer: Producer, hops: UInt8, now: ContinuousClock.Instant) {
        sendStreamFrames(.senderReport, UnsafeRawBufferPointer(rebasing: scratch[0..<length]), of: producer,
                         to: producer.linkConsumers, hops: hops, flags: [], now: now)
    }

    /// One frame of `kind` around `body` per consumer, counted on the
    /// conference's link counters and, for media, as a copy of the stream.
    func sendStreamFrames(_ kind: CascadeFrame.Kind, _ body: UnsafeRawBufferPointer, of producer: Producer,
                          to consumers: [LinkConsumer], hops: UInt8, flags: CascadeFrame.Flags,
                          now: ContinuousClock.Instant) {
        guard let plane = cascade, let header = streamHeader(producer), body.count >= 12 else { return }
        let announcedSSRC = producer.source.announcedSSRC.bigEndian
        let length = header.count + body.count
        // By index: iterating an array allocates per element in a debug build.
        for index in consumers.indices {
            let consumer = consumers[index]
            let slot = plane.frameSlot()
            guard length <= slot.count else { continue }
            header.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
            slot[1] = kind.rawValue
            slot[CascadeFrame.hopsOffset] = hops
            slot[CascadeFrame.flagsOffset] = flags.rawValue
            (slot.baseAddress! + header.count).copyMemory(from: body.baseAddress!, byteCount: body.count)
            // Between bridges a stream is known by its announced SSRC (an SR already carries it).
            if kind == .media { slot.storeBytes(of: announcedSSRC, toByteOffset: header.count + 8, as: UInt32.self) }
            guard plane.commitFrame(length: length, to: consumer.link, now: now) else {
                counters.drop(.cascadeNoSession)
                continue
            }
            if kind == .media { consumer.packets &+= 1 }
            consumer.counters.packetsOut &+= 1
            consumer.counters.bytesOut &+= UInt64(length)
        }
    }

    /// The frame header of a stream (written as media; `sendStreamFrames`
    /// patches the kind): conference, origin, source endpoint.
    func streamHeader(_ producer: Producer) -> [UInt8]? {
        if let header = producer.cascadeHeader { return header }
        guard let plane = cascade else { return nil }
        let endpoint = producer.endpoint
        producer.cascadeHeader = CascadeFrame.header(.media, mediaKind: producer.source.kind == .video ? .video : .audio,
                                                     conference: endpoint.conference,
                                                     origin: endpoint.origin ?? plane.localId, source: endpoint.id)
        return producer.cascadeHeader
    }

    /// The link a relayed stream arrives on (toward its origin).
    func upstreamLink(_ producer: Producer, now: ContinuousClock.Instant) -> CascadeLink? {
        guard let origin = producer.endpoint.origin,
              let parent = conferences[producer.endpoint.conference]?.cascade?.routes.parent(towardOrigin: origin)
        else { return nil }
        return cascade?.link(to: parent, now: now)
    }

    func sendKeyframeRequestUpstream(_ producer: Producer, now: ContinuousClock.Instant) {
        guard let link = upstreamLink(producer, now: now) else { return }
        counters.keyframeRequestsSent += 1
        sendLinkMessage(.keyframeRequest, conference: producer.endpoint.conference, to: link, now: now) {
            LinkMessage.writeSSRC(producer.source.announcedSSRC, into: $0)
        }
    }

    func sendNACKUpstream(_ producer: Producer, _ sequenceNumbers: [UInt16]) {
        let now = ContinuousClock.now
        guard let link = upstreamLink(producer, now: now) else { return }
        for chunk in stride(from: 0, to: sequenceNumbers.count, by: LinkMessage.maximumNACK) {
            let part = sequenceNumbers[chunk..<min(chunk + LinkMessage.maximumNACK, sequenceNumbers.count)]
            sendLinkMessage(.nack, conference: producer.endpoint.conference, to: link, now: now) {
                LinkMessage.writeNACK(ssrc: producer.source.announcedSSRC, sequenceNumbers: part, into: $0)
            }
        }
    }

    /// Writes a link message (header + body from `body`) and seals it to
    /// `link`; false when it could not be sent (no session yet).
    @discardableResult
    func sendLinkMessage(_ kind: CascadeFrame.Kind, conference: String, to link: CascadeLink, now: ContinuousClock.Instant,
                         body: (UnsafeMutableRawBufferPointer) -> Int?) -> Bool {
        guard let plane = cascade else { return false }
        let slot = plane.frameSlot()
        guard let headerLength = CascadeFrame.writeHeader(kind, conference: conference, into: slot),
              let bodyLength = body(UnsafeMutableRawBufferPointer(rebasing: slot[headerLength...])) else { return false }
        guard plane.commitFrame(length: headerLength + bodyLength, to: link, now: now) else {
            counters.drop(.cascadeNoSession)
            return false
        }
        return true
    }
}
