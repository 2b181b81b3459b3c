import Control

/// Endpoints keyed without ICE or DTLS, for the forwarding benchmark and the
/// tests that drive the media path (`meridian bench forward`,
/// `ForwardingAllocationTests`). A real call never comes here: the
/// controller's `allocate`/`update` commands create endpoints that must pass
/// an ICE check and a DTLS handshake before media flows.
///
/// What it skips is only the handshake. The endpoint is the ordinary
/// `Endpoint` in the `.connected` phase with both SRTP sessions, one
/// validated and selected address, and its sources and accepted SSRCs set the
/// way `update` sets them, so packets from `peer` take the real path:
/// `receiveAndForward` → `handle` → `handleRTP` → `forward`.
extension MediaEngine {
    /// Why a direct endpoint could not be installed.
    enum DirectEndpointError: Error, CustomStringConvertible {
        case exists(conference: String, endpoint: String)
        case addressInUse(PeerAddress)
        case dtls(DTLSError)
        case srtp(SRTPError)

        var description: String {
            switch self {
            case let .exists(conference, endpoint):
                "endpoint \(endpoint) already exists in \(conference)"
            case let .addressInUse(address):
                "\(address) already belongs to another endpoint; give each endpoint its own socket"
            case let .dtls(error):
                "DTLS context: \(error)"
            case let .srtp(error):
                "SRTP: \(error)"
            }
        }
    }

    /// Creates a connected endpoint whose SRTP keys are `keys` (as if DTLS
    /// had exported them, this bridge's side) and whose media address is
    /// `peer`, then recomputes the conference's consumers. Video producers
    /// that gained a receiver get a keyframe request, as after `update`.
    ///
    /// Consent is refreshed at `now`; nothing refreshes it later, so the
    /// caller sets `consentTimeout` to cover its run if it calls `tick`.
    func installDirectEndpoint(conference conferenceID: String, id: String, peer: PeerAddress,
                               keys: SRTPKeyingMaterial, sends: [Source], receives: [UInt32],
                               now: ContinuousClock.Instant) throws(DirectEndpointError) {
        guard endpoint(conferenceID, id) == nil else { throw .exists(conference: conferenceID, endpoint: id) }
        guard endpointsByAddress[peer] == nil else { throw .addressInUse(peer) }
        // The transport stays `.new`: it is never started, so it neither
        // sends nor times out, and `remove` has nothing to close.
        let transport: DTLSTransport
        do { transport = try DTLSTransport(context: dtlsContext, role: .server, remoteFingerprint: nil) } catch {
            throw .dtls(error)
        }
        // A ufrag no STUN check can name (ICE ufrags are ice-chars only, RFC 8839 §5.4).
        let credentials = ICECredentials(ufrag: "direct \(conferenceID) \(id)", password: "")
        let endpoint = Endpoint(id: id, conference: conferenceID, credentials: credentials, dtls: transport, now: now)
        do { try endpoint.installKeys(keys) } catch { throw .srtp(error) }
        endpoint.validatedAddresses = [peer]
        endpoint.selectedAddress = peer
        endpoint.lastConsent = now
        endpoint.receives = Set(receives)

        let conference = conferences[conferenceID] ?? Conference(id: conferenceID)
        conferences[conferenceID] = conference
        conference.endpoints[id] = endpoint
        endpointsByUfrag[credentials.ufrag] = endpoint
        endpointsByAddress[peer] = endpoint
        conference.setSources(sends, of: endpoint)
        for producer in conference.rebuildConsumers() where producer.source.kind == .video {
            requestKeyframe(producer, now: now)
        }
    }
}
