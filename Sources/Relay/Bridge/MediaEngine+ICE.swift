/// ICE-lite on the media port (RFC 8445 §2.5, §7.3): the bridge only answers
/// connectivity checks. A check that authenticates with an endpoint's local
/// credentials validates its source address (peer-reflexive candidate, so
/// loopback and NATed clients work alike); USE-CANDIDATE selects it for media;
/// every valid check refreshes consent (RFC 7675).
extension MediaEngine {
    /// Answers checks for unknown ufrags: an empty password verifies nothing,
    /// so they get 401 without touching any endpoint.
    private static let stranger = ICELiteResponder(local: ICECredentials(ufrag: "", password: ""))

    func handleSTUN(_ datagram: UnsafeRawBufferPointer, from peer: PeerAddress, now: ContinuousClock.Instant) {
        let message: STUNMessage
        do { message = try STUNMessage(parsing: datagram) } catch { return counters.drop(.stunMalformed) }
        guard let source = TransportAddress(ip: peer.ipBytes, port: peer.port) else { return }
        let endpoint = ICELiteResponder.localUfrag(of: message).flatMap { endpointsByUfrag[String($0)] }
        let outcome = (endpoint?.responder ?? Self.stranger).respond(to: message, from: source)
        switch outcome {
        case .ignored:
            counters.drop(.stunMalformed)
        case .rejected(let rejection):
            counters.drop(.stunUnauthorized)
            send(rejection.response, to: peer)
        case .accepted(let check):
            guard let endpoint, endpoint.phase != .closed else { return }
            send(check.response, to: peer)
            accept(check, from: peer, for: endpoint, now: now)
        }
    }

    private func accept(_ check: ICEConnectivityCheck, from peer: PeerAddress, for endpoint: Endpoint,
                        now: ContinuousClock.Instant) {
        endpoint.lastConsent = now
        if endpoint.validatedAddresses.insert(peer).inserted {
            // An address belongs to one endpoint; a reused port moves with the newest check.
            if let previous = endpointsByAddress[peer], previous !== endpoint {
                previous.validatedAddresses.remove(peer)
            }
            endpointsByAddress[peer] = endpoint
        }
        if check.useCandidate || endpoint.selectedAddress == nil {
            endpoint.selectedAddress = peer
            if let delay = endpoint.emulatedDelay { delayedPeers[peer] = delay }
        }
        // A DTLS client role starts once there is somewhere to send the ClientHello.
        if endpoint.dtls.role == .client, case .new = endpoint.dtls.state {
            for datagram in endpoint.dtls.start() { send(datagram, to: peer) }
        }
    }
}
