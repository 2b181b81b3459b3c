import Cascade
import Control

/// The forwarding path (DESIGN §2): unprotect → parse → find the producer →
/// keep a copy for retransmissions → for each consumer: copy, rewrite the
/// SSRC to the announced one, protect with the receiver's keys, queue.
/// No allocation: the packet is decrypted in its receive slot and each copy
/// is written straight into a send slot.
extension MediaEngine {
    /// RTP header extension id of MID in every offer the controller writes
    /// (RFC 8843 §15); the sender's MID means nothing to receivers.
    static let midExtensionID: UInt8 = 1

    func handleRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, from endpoint: Endpoint,
                   now: ContinuousClock.Instant) {
        guard let session = endpoint.srtpIn else { return counters.drop(.notConnected) }
        var plainLength: Int
        do { plainLength = try session.unprotect(rtp: buffer, length: length) } catch {
            return counters.drop(error == .replayed || error == .replayTooOld ? .srtpReplay : .srtpAuthentication)
        }
        let header: RTPPacket
        do { header = try RTPPacket(parsing: UnsafeRawBufferPointer(rebasing: buffer[0..<plainLength])) } catch {
            return counters.drop(.rtpMalformed)
        }
        guard let conference = conferences[endpoint.conference],
              let (producer, isRTX) = conference.producersByIncomingSSRC[header.ssrc],
              producer.endpoint === endpoint else {
            return counters.drop(.unknownSSRC)
        }
        var sequenceNumber = header.sequenceNumber
        if isRTX {
            // RFC 4588 §4: the payload starts with the original sequence number.
            // Padding-only RTX (bandwidth probes) carries nothing to forward.
            guard header.payloadRange.count >= 2 else { return }
            sequenceNumber = UInt16(buffer[header.payloadRange.lowerBound]) << 8
                | UInt16(buffer[header.payloadRange.lowerBound + 1])
            plainLength = unwrapRTX(buffer, header: header, length: plainLength,
                                    originalSSRC: producer.source.ssrc, sequenceNumber: sequenceNumber,
                                    payloadType: endpoint.payloads.vp8)
        }
        eraseMID(buffer, header: header)
        let packet = UnsafeRawBufferPointer(rebasing: buffer[0..<plainLength])
        distribute(packet, sequenceNumber: sequenceNumber, of: producer, hops: 0, flags: [], now: now)
    }

    /// What every packet of a stream gets, whether it came from its sender
    /// or over a cascade link: reception statistics, the retransmission
    /// cache, one SRTP copy per local receiver, one sealed copy per link
    /// that asked for the stream (`hops`: links crossed so far).
    func distribute(_ packet: UnsafeRawBufferPointer, sequenceNumber: UInt16, of producer: Producer, hops: UInt8,
                    flags: CascadeFrame.Flags, now: ContinuousClock.Instant) {
        producer.reception.record(sequenceNumber)
        producer.cache?.store(packet, sequenceNumber: sequenceNumber)
        // By index: in a debug build, iterating an array allocates once per
        // element, and the allocation test of this path runs in a debug build.
        let consumers = producer.consumers
        for index in consumers.indices where consumers[index].receiver.canReceiveMedia {
            forward(packet, announcedSSRC: producer.source.announcedSSRC, to: consumers[index].receiver)
        }
        if !producer.linkConsumers.isEmpty {
            forwardToLinks(packet, producer: producer, hops: hops, flags: flags, now: now)
        }
    }

    /// One copy toward one receiver.
    func forward(_ packet: UnsafeRawBufferPointer, announcedSSRC: UInt32, to receiver: Endpoint) {
        guard let session = receiver.srtpOut, let peer = receiver.selectedAddress else { return }
        let slot = sendSlot()
        slot.baseAddress!.copyMemory(from: packet.baseAddress!, byteCount: packet.count)
        slot.storeBytes(of: announcedSSRC.bigEndian, toByteOffset: 8, as: UInt32.self)
        guard let protected = try? session.protect(rtp: slot, length: packet.count) else { return }
        commitSend(length: protected, to: peer)
    }

    /// Turns an RTX packet back into the original packet, in place: drop the
    /// two-byte original sequence number and restore SSRC, sequence number
    /// and payload type. Returns the new length.
    private func unwrapRTX(_ buffer: UnsafeMutableRawBufferPointer, header: RTPPacket, length: Int,
                           originalSSRC: UInt32, sequenceNumber: UInt16, payloadType: UInt8) -> Int {
        let start = header.payloadRange.lowerBound
        let base = buffer.baseAddress!
        (base + start).copyMemory(from: base + start + 2, byteCount: length - start - 2)
        buffer.storeBytes(of: originalSSRC.bigEndian, toByteOffset: 8, as: UInt32.self)
        buffer.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        buffer[1] = (buffer[1] & 0x80) | (payloadType & 0x7F)
        return length - 2
    }

    /// Overwrites the MID element with padding bytes (id 0, RFC 8285 §4.2):
    /// receivers map the stream by its announced SSRC, and a sender's MID
    /// would point them at the wrong m-line. In place, no length change.
    private func eraseMID(_ buffer: UnsafeMutableRawBufferPointer, header: RTPPacket) {
        let extensions = header.headerExtensions
        guard let form = extensions.form, let range = header.extensionRange(id: Self.midExtensionID) else { return }
        let elementStart = range.lowerBound - (form == .oneByte ? 1 : 2)
        for index in elementStart..<range.upperBound { buffer[index] = 0 }
    }
}
