import Topology

/// What `meridian overlay status` reports: the interface, the path serving
/// it, and per peer its endpoint, latest handshake and transfer counters.
public struct OverlayStatus: Equatable, Sendable {
    public var interface: String
    public var path: WireGuardPath
    public var isUp: Bool
    public var addresses: [InterfaceAddress]
    public var device: WireGuardDeviceState

    /// Human-readable, one fact per line so that scripts can grep it.
    ///
    /// - Parameters:
    ///   - peerNames: bridge ids by public key (from `--topology` and `--id`);
    ///     unnamed peers show as `?`.
    ///   - now: seconds since the Unix epoch, for handshake ages.
    public func render(peerNames: [PublicKey: String], now: Double) -> String {
        var lines: [String] = []
        lines.append("interface: \(interface) (\(isUp ? "up" : "down"))")
        lines.append("  path: \(path)")
        lines.append("  public key: \(device.publicKey.map { "\($0)" } ?? "(none)")")
        lines.append("  listening port: \(device.listenPort)")
        lines.append("  addresses: \(addresses.isEmpty ? "(none)" : addresses.map(\.description).joined(separator: ", "))")
        for peer in device.peers {
            let configuration = peer.configuration
            lines.append("")
            lines.append("peer: \(peerNames[configuration.publicKey] ?? "?") \(configuration.publicKey)")
            lines.append("  endpoint: \(configuration.endpoint.map { "\($0)" } ?? "(none)")")
            lines.append("  allowed ips: \(configuration.allowedIPs.map(\.description).joined(separator: ", "))")
            lines.append("  latest handshake: \(Self.age(of: peer.lastHandshake, now: now))")
            lines.append("  transfer: \(peer.receivedBytes) B received, \(peer.transmittedBytes) B sent")
            lines.append("  persistent keepalive: \(configuration.persistentKeepalive == 0 ? "off" : "every \(configuration.persistentKeepalive) s")")
        }
        return lines.joined(separator: "\n")
    }

    static func age(of handshake: Double?, now: Double) -> String {
        guard let handshake else { return "never" }
        let seconds = max(0, Int((now - handshake).rounded(.down)))
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min \(seconds % 60) s ago" }
        return "\(seconds / 3600) h \(seconds / 60 % 60) min ago"
    }
}
