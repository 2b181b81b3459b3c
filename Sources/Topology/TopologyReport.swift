import Foundation

/// The text of `meridian topology check` and `meridian topology show`: what an
/// operator reads before deploying an edit.
public enum TopologyReport {
    /// One line: the file is valid, and what it holds.
    public static func summary(_ topology: Topology, file: String) -> String {
        let regionsWithBridges = Set(topology.bridges.map(\.region)).count
        return "\(file): ok: topology '\(topology.name)', \(topology.regions.count) regions "
            + "(\(regionsWithBridges) with bridges), \(topology.bridges.count) bridges, "
            + "\(topology.overlay.mode.rawValue) overlay, cascade \(topology.cascade.strategy.rawValue)"
    }

    public static func show(_ topology: Topology) -> String {
        var out: [String] = []
        out.append("topology \(topology.name) (version \(topology.version))")
        out.append("")
        out.append("regions and bridges")
        for region in topology.regions {
            let place = String(format: "%.2f, %.2f", region.latitude, region.longitude)
            let clients = region.clients.isEmpty ? "" : "  clients " + region.clients.map(\.description).joined(separator: ", ")
            out.append("  \(region.name) (\(place))\(clients)")
            let bridges = topology.bridges(in: region.name)
            if bridges.isEmpty { out.append("    (no bridges: participants go to the nearest region)") }
            for bridge in bridges {
                let state = bridge.drain ? "  draining" : ""
                let metrics = bridge.metrics.map { "  metrics \($0)" } ?? ""
                out.append("    \(bridge.id)  media \(bridge.media)  capacity \(bridge.capacity)\(metrics)\(state)")
            }
        }
        out.append("")
        out.append(contentsOf: latencyTable(topology))
        out.append("")
        out.append(contentsOf: overlayPlan(topology))
        out.append("")
        out.append(contentsOf: signaling(topology.signaling))
        out.append("selection: at most \(topology.selection.maxParticipantsPerBridge) participants of a room per bridge, "
                   + "stress threshold \(topology.selection.stressThreshold)")
        out.append("cascade: \(topology.cascade.strategy.rawValue), max fan-out \(topology.cascade.maxFanout)")
        return out.joined(separator: "\n")
    }

    /// The controller's listeners, trusted proxies and room-token policy.
    static func signaling(_ settings: SignalingSettings) -> [String] {
        func listener(_ address: SocketAddress?) -> String { address.map(\.description) ?? "on listen" }
        let proxies = settings.trustedProxies.isEmpty
            ? "none (X-Forwarded-For ignored)" : settings.trustedProxies.map(\.description).joined(separator: ", ")
        var auth = "off (joins need no token)"
        if let a = settings.auth {
            auth = "\(a.algorithm.rawValue) room tokens, \(a.algorithm.keyFileField) \(a.keyFile)"
                + (a.issuer.map { ", issuer \($0)" } ?? "")
                + (a.required ? ", required on join" : ", optional on join")
        }
        return ["signaling \(settings.listen), default region \(settings.defaultRegion)",
                "  control channel \(listener(settings.control)), metrics \(listener(settings.metrics))",
                "  trusted proxies: \(proxies)",
                "  auth: \(auth)"]
    }

    /// Round trips between every pair of regions, `*` marking estimates.
    static func latencyTable(_ topology: Topology) -> [String] {
        let matrix = LatencyMatrix(topology: topology)
        let names = topology.regions.map(\.name)
        let width = max(6, (names.map(\.count).max() ?? 0) + 1)
        func pad(_ s: String) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
        var lines = ["round-trip latency, ms (* = estimated: 2 × great-circle km / 199.86 km/ms + 10 ms)"]
        lines.append("  " + pad("") + names.map(pad).joined())
        for a in names {
            var row = "  " + pad(a)
            for b in names {
                if a == b { row += pad("-"); continue }
                guard let (ms, source) = matrix.rtt(a, b) else { row += pad("?"); continue }
                row += pad(String(format: "%.0f", ms) + (source == .estimated ? "*" : ""))
            }
            lines.append(row)
        }
        return lines
    }

    static func overlayPlan(_ topology: Topology) -> [String] {
        switch topology.overlay.mode {
        case .loopback:
            var lines = ["overlay: loopback (one machine; cascade traffic sealed with libsodium)"]
            for bridge in topology.bridges { lines.append("  \(bridge.id)  cascade \(bridge.overlay)") }
            return lines
        case .wireguard:
            let network = topology.overlay.network.map(\.description) ?? "?"
            var lines = ["overlay: wireguard \(network), interface port \(topology.overlay.wireguardPort)"]
            for bridge in topology.bridges {
                let endpoint = bridge.wireguard.map { "  wireguard \($0.endpoint)" } ?? ""
                lines.append("  \(bridge.id)  \(bridge.overlay.host)  cascade \(bridge.overlay)\(endpoint)")
            }
            return lines
        }
    }
}
