import Control

/// A bridge's own `/metrics` (issue 6), read from its latest statistics
/// snapshot when scraped (`MediaBridge.statistics()`, refreshed by the media
/// thread every second), so scraping never touches the forwarding path.
/// Every series carries a `bridge` label, which lets `meridian up` put all of
/// its bridges on one listener. Immutable, `Sendable`.
public struct BridgeMetrics: Sendable {
    public let bridge: String
    /// Every drop reason the bridge knows (`DropReason.allCases` names), so
    /// that each `reason` series exists at zero before its first drop.
    public let dropReasons: [String]
    public let statistics: @Sendable () -> BridgeStats

    public init(bridge: String, dropReasons: [String] = [], statistics: @escaping @Sendable () -> BridgeStats) {
        self.bridge = bridge
        self.dropReasons = dropReasons
        self.statistics = statistics
    }

    public enum Family {
        public static let packets = MetricFamily("meridian_bridge_packets_total", .counter,
            "Datagrams received (in) and sent (out): media = participants' socket, cascade = all links to other bridges.",
            labels: ["bridge", "direction", "kind"])
        public static let bytes = MetricFamily("meridian_bridge_bytes_total", .counter,
            "Bytes received and sent, as meridian_bridge_packets_total.", labels: ["bridge", "direction", "kind"])
        public static let linkPackets = MetricFamily("meridian_bridge_link_packets_total", .counter,
            "Cascade datagrams on the link to one peer bridge.", labels: ["bridge", "peer", "direction"])
        public static let linkBytes = MetricFamily("meridian_bridge_link_bytes_total", .counter,
            "Cascade bytes on the link to one peer bridge.", labels: ["bridge", "peer", "direction"])
        public static let linkUp = MetricFamily("meridian_bridge_link_up", .gauge,
            "1 while the cascade link to the peer answers pings, else 0.", labels: ["bridge", "peer"])
        public static let linkRTT = MetricFamily("meridian_bridge_link_rtt_seconds", .gauge,
            "Smoothed round trip of the cascade link (ping/pong); absent until measured.", labels: ["bridge", "peer"])
        public static let drops = MetricFamily("meridian_bridge_drops_total", .counter,
            "Datagrams dropped, by reason.", labels: ["bridge", "reason"])
        public static let retransmissions = MetricFamily("meridian_bridge_retransmissions_total", .counter,
            "Packets resent from the retransmission cache in answer to NACKs.", labels: ["bridge"])
        public static let retransmissionMisses = MetricFamily("meridian_bridge_retransmission_misses_total", .counter,
            "NACKed packets no longer in the retransmission cache.", labels: ["bridge"])
        public static let keyframeRequests = MetricFamily("meridian_bridge_keyframe_requests_total", .counter,
            "Keyframe requests sent: PLIs to senders and cascade requests toward a stream's origin.", labels: ["bridge"])
        public static let stress = MetricFamily("meridian_bridge_stress", .gauge,
            "Share of the bridge's capacity in use, 0 to 1.", labels: ["bridge"])
        public static let endpoints = MetricFamily("meridian_bridge_endpoints", .gauge,
            "Participant endpoints allocated on the bridge.", labels: ["bridge"])
        public static let conferences = MetricFamily("meridian_bridge_conferences", .gauge,
            "Conferences (rooms) with at least one endpoint or link on the bridge.", labels: ["bridge"])
    }

    /// Adds this bridge's series to `sheet`.
    public func record(into sheet: MetricsSheet) {
        let stats = statistics()
        let id = bridge
        let cascadeIn = stats.links.reduce((UInt64(0), UInt64(0))) { ($0.0 &+ $1.packetsIn, $0.1 &+ $1.bytesIn) }
        let cascadeOut = stats.links.reduce((UInt64(0), UInt64(0))) { ($0.0 &+ $1.packetsOut, $0.1 &+ $1.bytesOut) }
        for (direction, kind, packets, bytes) in [("in", "media", stats.packetsIn, stats.bytesIn),
                                                  ("out", "media", stats.packetsOut, stats.bytesOut),
                                                  ("in", "cascade", cascadeIn.0, cascadeIn.1),
                                                  ("out", "cascade", cascadeOut.0, cascadeOut.1)] {
            sheet.count(Family.packets, [id, direction, kind], packets)
            sheet.count(Family.bytes, [id, direction, kind], bytes)
        }
        for link in stats.links {
            sheet.count(Family.linkPackets, [id, link.peer, "in"], link.packetsIn)
            sheet.count(Family.linkPackets, [id, link.peer, "out"], link.packetsOut)
            sheet.count(Family.linkBytes, [id, link.peer, "in"], link.bytesIn)
            sheet.count(Family.linkBytes, [id, link.peer, "out"], link.bytesOut)
            sheet.set(Family.linkUp, [id, link.peer], to: link.up ? 1 : 0)
            if let rtt = link.rttMs { sheet.set(Family.linkRTT, [id, link.peer], to: rtt / 1000) }
        }
        for reason in Set(dropReasons).union(stats.drops.keys).sorted() {
            sheet.count(Family.drops, [id, reason], stats.drops[reason] ?? 0)
        }
        sheet.count(Family.retransmissions, [id], stats.retransmissions)
        sheet.count(Family.retransmissionMisses, [id], stats.retransmissionMisses)
        sheet.count(Family.keyframeRequests, [id], stats.keyframeRequests)
        sheet.set(Family.stress, [id], to: stats.stress)
        sheet.set(Family.endpoints, [id], to: Double(stats.endpoints))
        sheet.set(Family.conferences, [id], to: Double(stats.conferences))
    }
}
