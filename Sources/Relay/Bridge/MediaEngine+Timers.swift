import Control

/// Work that happens by time rather than by packet: DTLS retransmissions,
/// consent freshness (RFC 7675), endpoints that never connect, held-back
/// keyframe requests, and the bridge's receiver reports.
extension MediaEngine {
    static let reportInterval: Duration = .seconds(1)

    func tick(now: ContinuousClock.Instant) {
        for conference in conferences.values {
            for endpoint in conference.endpoints.values {
                if let deadline = endpoint.dtls.nextTimeout, deadline <= now {
                    deliver(endpoint.dtls.handleTimeout(), for: endpoint)
                    checkDTLSState(of: endpoint)
                }
                expireIfSilent(endpoint, now: now)
                for producer in endpoint.producers where producer.keyframePending {
                    requestKeyframe(producer, now: now)
                }
            }
        }
        if now - lastReports >= Self.reportInterval {
            lastReports = now
            sendReceiverReports(now: now)
            refreshInterest(now: now)
        }
        tickCascade(now: now)
        flush()
    }

    private func expireIfSilent(_ endpoint: Endpoint, now: ContinuousClock.Instant) {
        // A relayed endpoint lives as long as the controller's cascade command says.
        guard endpoint.phase != .closed, endpoint.origin == nil else { return }
        if let consent = endpoint.lastConsent {
            if now - consent > consentTimeout {
                remove(endpoint, event: .expired, detail: "no ICE consent for \(consentTimeout)")
            }
        } else if now - endpoint.allocatedAt > connectTimeout {
            remove(endpoint, event: .expired, detail: "never connected within \(connectTimeout)")
        }
    }

    /// When the media thread must wake up next for timers.
    func nextDeadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var deadline = lastReports + Self.reportInterval
        for conference in conferences.values {
            for endpoint in conference.endpoints.values {
                if let timeout = endpoint.dtls.nextTimeout, timeout < deadline { deadline = timeout }
            }
        }
        if let plane = cascade {
            for link in plane.links.values where link.inUse && link.liveness.nextDeadline < deadline {
                deadline = link.liveness.nextDeadline
            }
            if let due = plane.outbox.nextDue, due < deadline { deadline = due }
        }
        if let due = outbox.nextDue, due < deadline { deadline = due }
        return max(deadline, now)
    }

    func statistics() -> BridgeStats {
        BridgeStats(stress: capacity > 0 ? Double(endpointCount) / Double(capacity) : 1,
                    endpoints: endpointCount, conferences: conferences.count,
                    packetsIn: counters.packetsIn, packetsOut: counters.packetsOut,
                    bytesIn: counters.bytesIn, bytesOut: counters.bytesOut, drops: counters.dropsByReason,
                    retransmissions: counters.retransmissions, retransmissionMisses: counters.retransmissionMisses,
                    keyframeRequests: counters.keyframeRequestsSent,
                    links: cascade?.linkStats ?? [], cascade: conferenceLinkStats())
    }
}
