import Control

/// A meeting on this bridge: its endpoints and the producers they send,
/// indexed for the media path by the SSRC a packet arrives with (the
/// participant's own, or its RTX SSRC) and by the SSRC receivers know it by
/// (the announced one, in their NACKs and PLIs).
///
/// Single-threaded: owned by the media thread.
final class Conference {
    let id: String
    var endpoints: [String: Endpoint] = [:]
    /// Set while the conference spans several bridges.
    var cascade: ConferenceCascade?
    /// Incoming SSRC → producer, and whether that SSRC is the RTX stream.
    private(set) var producersByIncomingSSRC: [UInt32: (producer: Producer, isRTX: Bool)] = [:]
    private(set) var producersByAnnouncedSSRC: [UInt32: Producer] = [:]

    init(id: String) {
        self.id = id
    }

    /// Replaces what `endpoint` sends. Producers whose source did not change
    /// are kept (with their caches); the others are created or dropped.
    func setSources(_ sources: [Source], of endpoint: Endpoint) {
        let kept = endpoint.producers.filter { sources.contains($0.source) }
        for gone in endpoint.producers where !sources.contains(gone.source) { unindex(gone) }
        var producers = kept
        for source in sources where !kept.contains(where: { $0.source == source }) {
            let producer = Producer(source: source, endpoint: endpoint)
            producers.append(producer)
            producersByIncomingSSRC[source.ssrc] = (producer, false)
            if let rtx = source.rtxSSRC { producersByIncomingSSRC[rtx] = (producer, true) }
            producersByAnnouncedSSRC[source.announcedSSRC] = producer
        }
        endpoint.producers = producers
        endpoint.sends = sources
    }

    func remove(_ endpoint: Endpoint) {
        for producer in endpoint.producers { unindex(producer) }
        endpoint.producers = []
        endpoints[endpoint.id] = nil
        for other in endpoints.values {
            for producer in other.producers { producer.consumers.removeAll { $0.receiver === endpoint } }
        }
    }

    private func unindex(_ producer: Producer) {
        producersByIncomingSSRC[producer.source.ssrc] = nil
        if let rtx = producer.source.rtxSSRC { producersByIncomingSSRC[rtx] = nil }
        producersByAnnouncedSSRC[producer.source.announcedSSRC] = nil
    }

    /// Recomputes who consumes what: an endpoint consumes a producer of
    /// another endpoint when its SDP accepted that producer's announced SSRC.
    /// Returns the producers that gained a receiver (they need a keyframe).
    @discardableResult
    func rebuildConsumers() -> [Producer] {
        var gained: [Producer] = []
        for sender in endpoints.values {
            for producer in sender.producers {
                let wanted = endpoints.values.filter {
                    $0 !== sender && $0.receives.contains(producer.source.announcedSSRC)
                }
                let kept = producer.consumers.filter { consumer in wanted.contains { $0 === consumer.receiver } }
                let added = wanted.filter { receiver in !kept.contains { $0.receiver === receiver } }
                producer.consumers = kept + added.map { Consumer(receiver: $0, announcedSSRC: producer.source.announcedSSRC) }
                if !added.isEmpty { gained.append(producer) }
            }
        }
        return gained
    }
}

@available(*, unavailable)
extension Conference: Sendable {}
