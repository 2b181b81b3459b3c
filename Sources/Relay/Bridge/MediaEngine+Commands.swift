import Control

/// The controller's commands, applied on the media thread between batches.
/// Each returns nil on success or a message for the controller.
extension MediaEngine {
    func apply(_ command: ControlCommand, now: ContinuousClock.Instant) -> String? {
        switch command {
        case .allocate(let allocate): return self.allocate(allocate, now: now)
        case .update(let update): return self.update(update, now: now)
        case .cascade(let cascade): return applyCascade(cascade, now: now)
        case .expire(let expire):
            guard let endpoint = endpoint(expire.conference, expire.endpoint) else { return nil }
            remove(endpoint, event: nil)
            return nil
        }
    }

    private func allocate(_ command: ControlCommand.Allocate, now: ContinuousClock.Instant) -> String? {
        guard endpoint(command.conference, command.endpoint) == nil else {
            return "endpoint \(command.endpoint) already exists in \(command.conference)"
        }
        guard endpointsByUfrag[command.iceUfrag] == nil else { return "ice-ufrag \(command.iceUfrag) is in use" }
        guard endpointCount < capacity else { return "bridge is full (\(capacity) endpoints)" }
        // Offers say actpass and clients answer active, so start as DTLS
        // server; the answer may still make us client (see update).
        let transport: DTLSTransport
        do { transport = try DTLSTransport(context: dtlsContext, role: .server, remoteFingerprint: nil) } catch {
            return "DTLS: \(error)"
        }
        let endpoint = Endpoint(id: command.endpoint, conference: command.conference,
                                credentials: ICECredentials(ufrag: command.iceUfrag, password: command.icePwd),
                                dtls: transport, now: now)
        let conference = conferences[command.conference] ?? Conference(id: command.conference)
        conferences[command.conference] = conference
        conference.endpoints[endpoint.id] = endpoint
        endpointsByUfrag[command.iceUfrag] = endpoint
        if let emulation, let region = command.region { endpoint.emulatedDelay = emulation.towardRegion[region] }
        return nil
    }

    private func update(_ command: ControlCommand.Update, now: ContinuousClock.Instant) -> String? {
        guard let endpoint = endpoint(command.conference, command.endpoint),
              let conference = conferences[command.conference] else {
            return "no endpoint \(command.endpoint) in \(command.conference)"
        }
        guard let fingerprint = CertificateFingerprint(sdpValue: command.remoteFingerprint) else {
            return "malformed fingerprint"
        }
        guard let setup = DTLSSetup(rawValue: command.remoteSetup),
              let role = DTLSRole(offererWithAnswerSetup: setup) else {
            return "a=setup:\(command.remoteSetup) is not an answer"
        }
        if let error = configureDTLS(endpoint, role: role, fingerprint: fingerprint) { return error }
        endpoint.responder = ICELiteResponder(local: endpoint.responder.local, remoteUfrag: command.remoteUfrag)
        endpoint.payloads = command.payloads
        endpoint.receives = Set(command.receives)
        conference.setSources(command.sends, of: endpoint)
        for producer in conference.rebuildConsumers() where producer.source.kind == .video {
            requestKeyframe(producer, now: now)
        }
        if conference.cascade != nil {
            rebuildLinkConsumers(conference, now: now)
            sendInterest(conference, force: false, now: now)
        }
        return nil
    }

    /// Sets the DTLS role and the peer's fingerprint. The first update may
    /// turn the provisional server into a client; later updates (a
    /// renegotiation) must keep the same association.
    private func configureDTLS(_ endpoint: Endpoint, role: DTLSRole, fingerprint: CertificateFingerprint) -> String? {
        if let known = endpoint.dtls.remoteFingerprint {
            return known == fingerprint && role == endpoint.dtls.role ? nil : "the DTLS fingerprint or role changed"
        }
        if role != endpoint.dtls.role {
            guard case .new = endpoint.dtls.state else { return "DTLS already started as \(endpoint.dtls.role)" }
            do {
                endpoint.dtls = try DTLSTransport(context: dtlsContext, role: role, remoteFingerprint: fingerprint)
            } catch {
                return "DTLS: \(error)"
            }
            if endpoint.selectedAddress != nil { deliver(endpoint.dtls.start(), for: endpoint) }
        } else {
            deliver(endpoint.dtls.setRemoteFingerprint(fingerprint), for: endpoint)
        }
        checkDTLSState(of: endpoint)
        return nil
    }
}
