import Cascade
import Control

/// The controller's `cascade` command and what follows from it: relayed
/// endpoints for the participants on other bridges, links to the
/// neighbours, and which streams go onto which link (interest).
extension MediaEngine {
    func applyCascade(_ command: ControlCommand.Cascade, now: ContinuousClock.Instant) -> String? {
        let clearing = command.links.isEmpty && command.remote.isEmpty
        guard let plane = cascade else {
            return clearing ? nil : "this bridge has no overlay socket: start it with cascade settings"
        }
        if clearing { return clearCascade(command.conference, now: now) }
        if let remote = command.remote.first(where: { $0.bridge == plane.localId }) {
            return "remote endpoint \(remote.endpoint) names this bridge as its origin"
        }
        let routes = CascadeRoutes(local: plane.localId, links: command.links.map { ($0.a, $0.b) })
        for neighbour in routes.neighbours where plane.link(to: neighbour, now: now) == nil {
            return "unknown cascade peer '\(neighbour)' (not in this bridge's topology)"
        }
        let conference = conferences[command.conference] ?? Conference(id: command.conference)
        if let clash = command.remote.first(where: { conference.endpoints[$0.endpoint].map { $0.origin == nil } ?? false }) {
            return "endpoint \(clash.endpoint) is connected to this bridge, not to \(clash.bridge)"
        }
        conferences[command.conference] = conference
        let state = conference.cascade ?? ConferenceCascade(routes: routes)
        state.routes = routes
        conference.cascade = state
        state.origins = [:]
        for remote in command.remote {
            state.origins[remote.audioSSRC] = remote.bridge
            state.origins[remote.videoSSRC] = remote.bridge
        }
        for peer in state.interestFrom.keys where !routes.neighbours.contains(peer) { state.interestFrom[peer] = nil }
        for peer in state.interestSent.keys where !routes.neighbours.contains(peer) { state.interestSent[peer] = nil }
        syncRelayedEndpoints(command.remote, in: conference, now: now)
        refreshLinkUsage()
        for producer in conference.rebuildConsumers() where producer.source.kind == .video {
            requestKeyframe(producer, now: now)
        }
        rebuildLinkConsumers(conference, now: now)
        sendInterest(conference, force: true, now: now)
        return nil
    }

    /// The conference is back on this bridge alone: relayed endpoints go.
    private func clearCascade(_ conferenceID: String, now: ContinuousClock.Instant) -> String? {
        guard let conference = conferences[conferenceID] else { return nil }
        conference.cascade = nil
        // Without cascade state, the last removal also drops an emptied conference.
        for endpoint in conference.endpoints.values where endpoint.origin != nil { remove(endpoint, event: nil) }
        if conference.endpoints.isEmpty { conferences[conferenceID] = nil }
        for endpoint in conference.endpoints.values {
            for producer in endpoint.producers { producer.linkConsumers = [] }
        }
        refreshLinkUsage()
        return nil
    }

    /// Relayed endpoints match `remote`: gone or changed ones are removed,
    /// new ones appear with their two streams. (The conference has cascade
    /// state, so `remove` keeps it even when it empties for a moment.)
    private func syncRelayedEndpoints(_ remote: [RemoteEndpoint], in conference: Conference, now: ContinuousClock.Instant) {
        let wanted = Dictionary(remote.map { ($0.endpoint, $0) }, uniquingKeysWith: { _, last in last })
        for endpoint in conference.endpoints.values where endpoint.origin != nil {
            if let spec = wanted[endpoint.id], spec.bridge == endpoint.origin,
               endpoint.sends.map(\.announcedSSRC) == [spec.audioSSRC, spec.videoSSRC] { continue }
            remove(endpoint, event: nil)
        }
        for spec in remote where conference.endpoints[spec.endpoint] == nil {
            guard let transport = try? DTLSTransport(context: dtlsContext, role: .server, remoteFingerprint: nil) else { continue }
            // Never started and never registered by ufrag: no ICE, DTLS or SRTP reach it.
            let endpoint = Endpoint(id: spec.endpoint, conference: conference.id,
                                    credentials: ICECredentials(ufrag: "relayed \(spec.endpoint)", password: ""),
                                    dtls: transport, now: now, origin: spec.bridge)
            conference.endpoints[endpoint.id] = endpoint
            conference.setSources([Source(kind: .audio, ssrc: spec.audioSSRC, announcedSSRC: spec.audioSSRC),
                                   Source(kind: .video, ssrc: spec.videoSSRC, announcedSSRC: spec.videoSSRC)],
                                  of: endpoint)
        }
    }

    /// Marks the links some conference routes through; only those are pinged.
    func refreshLinkUsage() {
        guard let plane = cascade else { return }
        var used: Set<String> = []
        for conference in conferences.values { used.formUnion(conference.cascade?.routes.neighbours ?? []) }
        for link in plane.links.values { link.inUse = used.contains(link.peer) }
    }

    /// Recomputes which links each stream of `conference` is copied onto: a
    /// neighbour gets a stream when the stream may flow to it (it is a child
    /// for the stream's origin) and it asked for it.
    func rebuildLinkConsumers(_ conference: Conference, now: ContinuousClock.Instant) {
        guard let plane = cascade, let state = conference.cascade else { return }
        for endpoint in conference.endpoints.values {
            let origin = endpoint.origin ?? plane.localId
            let children = state.routes.children(forOrigin: origin)
            for producer in endpoint.producers {
                let targets = children.filter { state.interestFrom[$0]?.contains(producer.source.announcedSSRC) == true }
                let kept = producer.linkConsumers.filter { targets.contains($0.link.peer) }
                var added = false
                var consumers = kept
                for peer in targets where !kept.contains(where: { $0.link.peer == peer }) {
                    guard let link = plane.link(to: peer, now: now) else { continue }
                    consumers.append(LinkConsumer(link: link, counters: state.counters(for: peer)))
                    added = true
                }
                producer.linkConsumers = consumers
                if added, producer.source.kind == .video { requestKeyframe(producer, now: now) }
            }
        }
    }

    /// Tells each neighbour which of its streams this bridge wants; only
    /// changes, unless `force` (the periodic refresh repairs a lost message).
    func sendInterest(_ conference: Conference, force: Bool, now: ContinuousClock.Instant) {
        guard let plane = cascade, let state = conference.cascade else { return }
        var localWants: Set<UInt32> = []
        for endpoint in conference.endpoints.values where endpoint.origin == nil { localWants.formUnion(endpoint.receives) }
        for neighbour in state.routes.neighbours {
            let wanted = state.routes.interest(toward: neighbour, localWants: localWants,
                                               interestFrom: state.interestFrom, origins: state.origins)
            guard force || state.interestSent[neighbour] != wanted, let link = plane.link(to: neighbour, now: now) else {
                continue
            }
            // Recorded only once every chunk went out: before the link's session
            // exists nothing does, and the session's arrival sends it (`linkEstablished`).
            let sent = LinkMessage.interestChunks(wanted.sorted()).allSatisfy { chunk in
                sendLinkMessage(.interest, conference: conference.id, to: link, now: now) {
                    LinkMessage.writeInterest(chunk, into: $0)
                }
            }
            if sent { state.interestSent[neighbour] = wanted }
        }
    }

    /// Every second: interest again, so a lost message costs at most a second.
    func refreshInterest(now: ContinuousClock.Instant) {
        for conference in conferences.values where conference.cascade != nil {
            sendInterest(conference, force: true, now: now)
        }
    }

    func conferenceLinkStats() -> [ConferenceLinkStats] {
        var result: [ConferenceLinkStats] = []
        for conference in conferences.values {
            guard let state = conference.cascade else { continue }
            for (peer, counters) in state.counters {
                let streams = conference.endpoints.values.reduce(0) { sum, endpoint in
                    sum + endpoint.producers.filter { $0.linkConsumers.contains { $0.link.peer == peer } }.count
                }
                result.append(ConferenceLinkStats(conference: conference.id, peer: peer, packetsIn: counters.packetsIn,
                                                  packetsOut: counters.packetsOut, bytesIn: counters.bytesIn,
                                                  bytesOut: counters.bytesOut, streamsOut: streams))
            }
        }
        return result.sorted { ($0.conference, $0.peer) < ($1.conference, $1.peer) }
    }
}
