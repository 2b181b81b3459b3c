import Yams

/// Turns the YAML tree of a topology file into a `Topology`, section by
/// section, collecting every located problem (DESIGN §3). Cross-field rules
/// (unknown regions, clashing addresses and keys, mode mismatches) are in
/// `TopologyValidator`, which runs on whatever this parser could read so that
/// one run reports all the errors of a file. Single-threaded: one parser per parse.
final class TopologyParser {
    let reader: NodeReader
    /// Where each value came from, for the validator's messages.
    var sources = SourceMap()

    static let topKeys = ["version", "name", "regions", "latency-ms", "overlay", "bridges",
                          "signaling", "selection", "cascade"]

    init(file: String) {
        reader = NodeReader(file: file)
    }

    func parse(root: Node) -> Topology? {
        guard let top = reader.fields(of: root, what: "the topology", allowed: Self.topKeys,
                                      required: ["version", "name", "regions", "overlay", "bridges"]) else {
            return nil
        }
        if let node = top["version"], let version = reader.integer(node, what: "version", in: 0...Int.max),
           version != 1 {
            reader.error(at: node, "version \(version) is not supported", hint: "this Meridian reads version: 1")
        }
        let name = top["name"].flatMap { reader.string($0, what: "name") } ?? ""
        let regions = top["regions"].map(parseRegions) ?? []
        let latencies = top["latency-ms"].map(parseLatencies) ?? [:]
        let overlay = top["overlay"].flatMap(parseOverlay) ?? OverlaySettings(mode: .loopback)
        let bridges = top["bridges"].map(parseBridges) ?? []
        let signaling = parseSignaling(top["signaling"], root: root)
        let selection = top["selection"].map(parseSelection) ?? SelectionSettings()
        let cascade = top["cascade"].map(parseCascade) ?? CascadeSettings()
        return Topology(version: 1, name: name, regions: regions, declaredLatencies: latencies,
                        overlay: overlay, bridges: bridges, signaling: signaling,
                        selection: selection, cascade: cascade)
    }

    // MARK: Regions and latencies

    private func parseRegions(_ node: Node) -> [Region] {
        guard let entries = reader.entries(of: node, what: "regions") else { return [] }
        if entries.isEmpty {
            reader.error(at: node, "regions is empty", hint: "declare at least one region with lat and lon")
        }
        var regions: [Region] = []
        for entry in entries {
            guard reader.identifier(entry.name, at: entry.key, what: "region") else { continue }
            sources.declaredRegions.insert(entry.name)
            sources.record("regions.\(entry.name)", reader.location(of: entry.key))
            let what = "region '\(entry.name)'"
            guard let f = reader.fields(of: entry.value, what: what, allowed: ["lat", "lon", "clients"],
                                        required: ["lat", "lon"]) else { continue }
            let lat = f["lat"].flatMap { reader.number($0, what: "lat", in: -90...90) } ?? 0
            let lon = f["lon"].flatMap { reader.number($0, what: "lon", in: -180...180) } ?? 0
            var clients: [CIDR] = []
            if let list = f["clients"].flatMap({ reader.sequence($0, what: "clients") }) {
                for (index, item) in list.enumerated() {
                    guard let prefix = reader.cidr(item, what: "client prefix") else { continue }
                    sources.record("regions.\(entry.name).clients.\(index)", reader.location(of: item))
                    clients.append(prefix)
                }
            }
            regions.append(Region(name: entry.name, latitude: lat, longitude: lon, clients: clients))
        }
        return regions
    }

    private func parseLatencies(_ node: Node) -> [RegionPair: Double] {
        guard let entries = reader.entries(of: node, what: "latency-ms") else { return [:] }
        var result: [RegionPair: Double] = [:]
        for entry in entries {
            let parts = entry.name.split(separator: "~", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                reader.error(at: entry.key, "latency key '\(entry.name)' is not REGION~REGION",
                             hint: "write it as eu-central~us-east: 88")
                continue
            }
            guard let ms = reader.number(entry.value, what: "latency \(entry.name)", in: 0.1...2000) else { continue }
            let pair = RegionPair(String(parts[0]), String(parts[1]))
            let location = reader.location(of: entry.key)
            if result[pair] != nil {
                let first = sources.location("latency.\(pair)")?.line ?? 0
                reader.error(at: location, "latency between \(pair.first) and \(pair.second) is declared twice",
                             hint: "already declared at line \(first); a latency applies in both directions")
                continue
            }
            sources.record("latency.\(pair)", location)
            sources.latencyKeys.append((pair, String(parts[0]), String(parts[1]), location))
            result[pair] = ms
        }
        return result
    }

    // MARK: Overlay and bridges

    private func parseOverlay(_ node: Node) -> OverlaySettings? {
        guard let f = reader.fields(of: node, what: "overlay", allowed: ["mode", "network", "wireguard-port"],
                                    required: ["mode"]) else { return nil }
        guard let mode = f["mode"].flatMap({ reader.choice($0, what: "overlay mode", as: OverlayMode.self) }) else {
            return nil
        }
        var settings = OverlaySettings(mode: mode)
        sources.record("overlay", reader.location(of: node))
        if let node = f["network"] {
            sources.record("overlay.network", reader.location(of: node))
            settings.network = reader.cidr(node, what: "overlay network")
            if mode == .loopback {
                reader.error(at: f.keys["network"]!, "overlay network is only used in wireguard mode",
                             hint: "remove it, or set mode: wireguard")
            }
        } else if mode == .wireguard {
            reader.error(at: node, "overlay in wireguard mode is missing 'network', the overlay prefix",
                         hint: "add 'network: 10.77.0.0/16'")
        }
        if let node = f["wireguard-port"] {
            if let port = reader.integer(node, what: "wireguard-port", in: 1...65535) {
                settings.wireguardPort = UInt16(port)
            }
            if mode == .loopback {
                reader.error(at: f.keys["wireguard-port"]!, "wireguard-port is only used in wireguard mode",
                             hint: "remove it, or set mode: wireguard")
            }
        }
        return settings
    }

    static let bridgeKeys = ["region", "media", "overlay", "wireguard", "cascade-key", "capacity", "drain", "metrics"]

    private func parseBridges(_ node: Node) -> [Bridge] {
        guard let entries = reader.entries(of: node, what: "bridges") else { return [] }
        if entries.isEmpty {
            reader.error(at: node, "bridges is empty", hint: "declare at least one bridge")
        }
        var bridges: [Bridge] = []
        for entry in entries {
            guard reader.identifier(entry.name, at: entry.key, what: "bridge id") else { continue }
            let what = "bridge '\(entry.name)'"
            let path = "bridges.\(entry.name)"
            guard let f = reader.fields(of: entry.value, what: what, allowed: Self.bridgeKeys,
                                        required: ["region", "media", "overlay"]) else { continue }
            sources.record(path, reader.location(of: entry.key))
            for (key, value) in f.values { sources.record("\(path).\(key)", reader.location(of: value)) }
            for (key, keyNode) in f.keys { sources.record("\(path).\(key).key", reader.location(of: keyNode)) }
            let region = f["region"].flatMap { reader.string($0, what: "region") }
            // Checked here rather than in the validator so that a bridge with
            // another broken field still has its region checked.
            if let region, let node = f["region"], !sources.declaredRegions.contains(region) {
                reader.error(at: node, "bridge '\(entry.name)' is in unknown region '\(region)'",
                             hint: Suggestions.hint(for: region, in: sources.declaredRegions.sorted(), noun: "region"))
            }
            let media = f["media"].flatMap { reader.socketAddress($0, what: "media address") }
            let overlay = f["overlay"].flatMap { reader.socketAddress($0, what: "overlay address") }
            let wireguard = f["wireguard"].flatMap { parseWireGuardPeer($0, path: path) }
            let cascadeKey = f["cascade-key"].flatMap { reader.publicKey($0, what: "cascade-key") }
            var capacity = Bridge.defaultCapacity
            if let node = f["capacity"],
               let c = reader.fields(of: node, what: "capacity of \(what)", allowed: ["endpoints"], required: ["endpoints"]),
               let endpoints = c["endpoints"].flatMap({ reader.integer($0, what: "capacity endpoints", in: 1...100_000) }) {
                capacity = endpoints
            }
            let drain = f["drain"].flatMap { reader.bool($0, what: "drain") } ?? false
            let metrics = f["metrics"].flatMap {
                reader.socketAddress($0, what: "metrics address", example: "198.18.0.10:9101 or [2001:db8::1]:9101")
            }
            guard let region, let media, let overlay else { continue }
            bridges.append(Bridge(id: entry.name, region: region, media: media, overlay: overlay,
                                  wireguard: wireguard, cascadeKey: cascadeKey, capacity: capacity, drain: drain,
                                  metrics: metrics))
        }
        return bridges
    }

    private func parseWireGuardPeer(_ node: Node, path: String) -> WireGuardPeer? {
        guard let f = reader.fields(of: node, what: "wireguard of \(path)", allowed: ["endpoint", "public-key"],
                                    required: ["endpoint", "public-key"]) else { return nil }
        for (key, value) in f.values { sources.record("\(path).wireguard.\(key)", reader.location(of: value)) }
        let endpoint = f["endpoint"].flatMap { reader.socketAddress($0, what: "wireguard endpoint") }
        let key = f["public-key"].flatMap { reader.publicKey($0, what: "wireguard public-key") }
        guard let endpoint, let key else { return nil }
        return WireGuardPeer(endpoint: endpoint, publicKey: key)
    }

    // MARK: Policies (signaling: TopologyParser+Signaling.swift)

    private func parseSelection(_ node: Node) -> SelectionSettings {
        var settings = SelectionSettings()
        guard let f = reader.fields(of: node, what: "selection",
                                    allowed: ["max-participants-per-bridge", "stress-threshold"]) else { return settings }
        if let n = f["max-participants-per-bridge"].flatMap({ reader.integer($0, what: "max-participants-per-bridge", in: 1...10_000) }) {
            settings.maxParticipantsPerBridge = n
        }
        if let s = f["stress-threshold"].flatMap({ reader.number($0, what: "stress-threshold", in: 0.01...1) }) {
            settings.stressThreshold = s
        }
        return settings
    }

    private func parseCascade(_ node: Node) -> CascadeSettings {
        var settings = CascadeSettings()
        guard let f = reader.fields(of: node, what: "cascade", allowed: ["strategy", "max-fanout"]) else { return settings }
        if let s = f["strategy"].flatMap({ reader.choice($0, what: "cascade strategy", as: CascadeStrategy.self) }) {
            settings.strategy = s
        }
        if let n = f["max-fanout"].flatMap({ reader.integer($0, what: "max-fanout", in: 2...64) }) {
            settings.maxFanout = n
        }
        return settings
    }
}

/// Locations of parsed values by dotted path (`bridges.fra-1.overlay`), so
/// that cross-field errors point at the offending line.
struct SourceMap {
    private var locations: [String: SourceLocation] = [:]
    /// Latency keys as written, for region checks: (pair, left, right, where).
    var latencyKeys: [(pair: RegionPair, left: String, right: String, at: SourceLocation)] = []
    /// Every region name declared, even those whose settings had errors, so
    /// that one bad region does not also fail every bridge that names it.
    var declaredRegions: Set<String> = []

    mutating func record(_ path: String, _ location: SourceLocation) {
        locations[path] = location
    }

    func location(_ path: String) -> SourceLocation? {
        locations[path]
    }
}
