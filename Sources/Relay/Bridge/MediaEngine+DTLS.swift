/// DTLS on the media port: records go to the endpoint's transport; its
/// flights go back to the selected address. When the transport connects
/// (handshake done and the peer's certificate matched the SDP fingerprint),
/// its exported keys make the endpoint's two SRTP sessions.
extension MediaEngine {
    func handleDTLS(_ datagram: UnsafeRawBufferPointer, endpoint: Endpoint, now: ContinuousClock.Instant) {
        let before = endpoint.dtls.statistics
        let replies = endpoint.dtls.receive(datagram)
        if endpoint.dtls.statistics.malformedDatagrams > before.malformedDatagrams { counters.drop(.dtlsError) }
        deliver(replies, for: endpoint)
        checkDTLSState(of: endpoint)
    }

    func deliver(_ datagrams: [[UInt8]], for endpoint: Endpoint) {
        guard let peer = endpoint.selectedAddress else { return }
        for datagram in datagrams { send(datagram, to: peer) }
    }

    /// Moves the endpoint along with its transport's state.
    func checkDTLSState(of endpoint: Endpoint) {
        switch endpoint.dtls.state {
        case .connected(let keys) where endpoint.phase == .connecting:
            do {
                try endpoint.installKeys(keys)
                events.append(.init(conference: endpoint.conference, endpoint: endpoint.id, kind: .connected))
                // The new receiver needs a keyframe of everything it receives.
                if let conference = conferences[endpoint.conference] {
                    for sender in conference.endpoints.values where sender !== endpoint {
                        for producer in sender.producers where producer.source.kind == .video
                            && endpoint.receives.contains(producer.source.announcedSSRC) {
                            requestKeyframe(producer, now: .now)
                        }
                    }
                }
            } catch {
                remove(endpoint, event: .failed, detail: "SRTP: \(error)")
            }
        case .failed(let error):
            remove(endpoint, event: .failed, detail: "DTLS: \(error)")
        case .closed where endpoint.phase != .closed:
            remove(endpoint, event: .expired, detail: "DTLS closed by the peer")
        default:
            break
        }
    }
}
