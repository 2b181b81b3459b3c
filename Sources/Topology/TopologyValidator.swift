/// Rules that span several fields of a topology (DESIGN §3): names that must
/// exist, values that must be unique, addresses that must fit the overlay
/// mode. Runs after `TopologyParser`, on whatever it could read, and reports
/// through the same `NodeReader` so all errors come out together.
struct TopologyValidator {
    let topology: Topology
    let sources: SourceMap
    let reader: NodeReader

    func validate() {
        checkRegionReferences()
        checkClientPrefixes()
        checkUniqueAddresses()
        checkOverlayMode()
        checkKeys()
        checkListeners()
    }

    private func at(_ path: String) -> SourceLocation {
        sources.location(path) ?? .start
    }

    private var regionNames: [String] { topology.regions.map(\.name) }

    private func checkRegionReferences() {
        let known = sources.declaredRegions
        let fallback = topology.signaling.defaultRegion
        if fallback.isEmpty {
            reader.error(at: at("signaling"), "signaling is missing 'default-region'",
                         hint: "add 'default-region: NAME', the region of clients that match no prefix")
        } else if !known.contains(fallback) {
            reader.error(at: at("signaling.default-region"), "default-region '\(fallback)' is not a declared region",
                         hint: Suggestions.hint(for: fallback, in: regionNames, noun: "region"))
        }
        for key in sources.latencyKeys {
            if key.left == key.right {
                reader.error(at: key.at, "latency from region '\(key.left)' to itself",
                             hint: "latency-ms lists pairs of different regions; remove this line")
                continue
            }
            for name in [key.left, key.right] where !known.contains(name) {
                reader.error(at: key.at, "latency names unknown region '\(name)'",
                             hint: Suggestions.hint(for: name, in: regionNames, noun: "region"))
            }
        }
    }

    /// A client address must map to one region, so prefixes never overlap.
    private func checkClientPrefixes() {
        var seen: [(CIDR, String)] = []
        for region in topology.regions {
            for (index, prefix) in region.clients.enumerated() {
                if let clash = seen.first(where: { $0.0.overlaps(prefix) }) {
                    reader.error(at: at("regions.\(region.name).clients.\(index)"),
                                 "client prefix \(prefix) overlaps \(clash.0) of region '\(clash.1)'",
                                 hint: "a client address must belong to one region; remove or narrow one prefix")
                }
                seen.append((prefix, region.name))
            }
        }
    }

    private func checkUniqueAddresses() {
        var media: [SocketAddress: String] = [:]
        var overlay: [SocketAddress: String] = [:]
        var overlayHosts: [IPAddress: String] = [:]
        var endpoints: [SocketAddress: String] = [:]
        let wireguard = topology.overlay.mode == .wireguard
        for bridge in topology.bridges {
            if let other = media[bridge.media] {
                reader.error(at: at("bridges.\(bridge.id).media"),
                             "media address \(bridge.media) is also used by bridge '\(other)'",
                             hint: "each bridge needs its own media address or port")
            }
            media[bridge.media] = media[bridge.media] ?? bridge.id
            if let other = overlay[bridge.overlay] {
                reader.error(at: at("bridges.\(bridge.id).overlay"),
                             "overlay address \(bridge.overlay) is also used by bridge '\(other)'",
                             hint: "each bridge needs its own overlay address")
            } else if wireguard, let other = overlayHosts[bridge.overlay.host] {
                reader.error(at: at("bridges.\(bridge.id).overlay"),
                             "overlay address \(bridge.overlay.host) is also used by bridge '\(other)'",
                             hint: "in wireguard mode each bridge owns one overlay IP (its /32); pick a free one")
            }
            overlay[bridge.overlay] = overlay[bridge.overlay] ?? bridge.id
            overlayHosts[bridge.overlay.host] = overlayHosts[bridge.overlay.host] ?? bridge.id
            if media[bridge.overlay] != nil || overlay[bridge.media] != nil {
                reader.error(at: at("bridges.\(bridge.id).overlay"),
                             "overlay address \(bridge.overlay) clashes with a media address",
                             hint: "media and cascade traffic need different ports")
            }
            if let wg = bridge.wireguard {
                if let other = endpoints[wg.endpoint] {
                    reader.error(at: at("bridges.\(bridge.id).wireguard.endpoint"),
                                 "wireguard endpoint \(wg.endpoint) is also used by bridge '\(other)'",
                                 hint: "each bridge's WireGuard interface needs its own address or port")
                }
                endpoints[wg.endpoint] = endpoints[wg.endpoint] ?? bridge.id
            }
        }
    }

    private func checkOverlayMode() {
        let settings = topology.overlay
        for bridge in topology.bridges {
            let path = "bridges.\(bridge.id)"
            switch settings.mode {
            case .loopback:
                if bridge.wireguard != nil || sources.location("\(path).wireguard.key") != nil {
                    reader.error(at: at("\(path).wireguard.key"), "bridge '\(bridge.id)' has a wireguard block in loopback mode",
                                 hint: "remove it, or set overlay mode: wireguard")
                }
                if !bridge.overlay.host.isLoopback {
                    reader.error(at: at("\(path).overlay"),
                                 "overlay address \(bridge.overlay) is not a loopback address in loopback mode",
                                 hint: "use 127.0.0.1:PORT, or set overlay mode: wireguard")
                }
            case .wireguard:
                if sources.location("\(path).wireguard") == nil {
                    reader.error(at: at(path), "bridge '\(bridge.id)' has no wireguard block in wireguard mode",
                                 hint: "add 'wireguard: { endpoint: HOST:PORT, public-key: \"…\" }' from meridian keygen")
                }
                if sources.location("\(path).cascade-key") == nil {
                    reader.error(at: at(path), "bridge '\(bridge.id)' has no cascade-key in wireguard mode",
                                 hint: "add the 'cascade-key:' line printed by meridian keygen")
                }
                if let network = settings.network {
                    let host = bridge.overlay.host
                    if !network.contains(host) {
                        reader.error(at: at("\(path).overlay"),
                                     "overlay address \(host) is outside the overlay network \(network)",
                                     hint: "pick an address inside \(network)")
                    } else if network.masked(host) == host && network.prefixLength < host.bytes.count * 8 {
                        reader.error(at: at("\(path).overlay"),
                                     "overlay address \(host) is the network address of \(network)",
                                     hint: "pick a host address, such as the next one up")
                    }
                }
            }
        }
    }

    /// Keys identify bridges; a shared key would let one bridge speak for another.
    private func checkKeys() {
        var seen: [PublicKey: String] = [:]
        for bridge in topology.bridges {
            let path = "bridges.\(bridge.id)"
            if let key = bridge.wireguard?.publicKey {
                if let other = seen[key] {
                    reader.error(at: at("\(path).wireguard.public-key"),
                                 "wireguard public-key of bridge '\(bridge.id)' is also used by '\(other)'",
                                 hint: "run 'meridian keygen --id \(bridge.id)' for a key of its own")
                }
                seen[key] = seen[key] ?? bridge.id
            }
            if let key = bridge.cascadeKey {
                if key == bridge.wireguard?.publicKey {
                    reader.error(at: at("\(path).cascade-key"),
                                 "cascade-key of bridge '\(bridge.id)' is the same as its wireguard key",
                                 hint: "the two keys must be separate; paste both lines printed by meridian keygen")
                } else if let other = seen[key] {
                    reader.error(at: at("\(path).cascade-key"),
                                 "cascade-key of bridge '\(bridge.id)' is also used by '\(other)'",
                                 hint: "run 'meridian keygen --id \(bridge.id)' for a key of its own")
                }
                seen[key] = seen[key] ?? bridge.id
            }
        }
    }

    /// The controller's listeners are one process on one machine: a separate
    /// listener may not take a port another one already has. A bridge's
    /// metrics listener may not be another bridge's or the controller's.
    /// Media and overlay addresses are UDP, metrics TCP: they never clash.
    private func checkListeners() {
        let signaling = topology.signaling
        var listeners: [(name: String, address: SocketAddress)] = [("listen", signaling.listen)]
        for (name, address) in [("control", signaling.control), ("metrics", signaling.metrics)] {
            guard let address else { continue }
            let served = name == "control" ? "the control channel" : "metrics"
            if let clash = listeners.first(where: { $0.address.sharesPort(with: address) }) {
                let what = clash.name == "listen" ? "'listen'" : "the \(clash.name) listener"
                if clash.address == address {
                    reader.error(at: at("signaling.\(name)"), "signaling \(name) listener \(address) is the same as \(what)",
                                 hint: "omit '\(name)' to serve \(served) on 'listen', or give it another port")
                } else {
                    reader.error(at: at("signaling.\(name)"),
                                 "signaling \(name) listener \(address) takes port \(address.port) of \(what) \(clash.address)",
                                 hint: "a wildcard address listens on every address of the machine; "
                                     + "give '\(name)' another port, or omit it to serve \(served) on 'listen'")
                }
            }
            listeners.append((name, address))
        }
        // In loopback mode every bridge and the controller share one machine,
        // so wildcards clash too. Otherwise bridges live on their own hosts:
        // two wildcards (each on its own machine) never clash, only the very
        // same specific address can.
        let oneMachine = topology.overlay.mode == .loopback
        func clashes(_ a: SocketAddress, _ b: SocketAddress) -> Bool {
            oneMachine ? a.sharesPort(with: b) : a == b && !a.host.isUnspecified
        }
        var seen: [(id: String, address: SocketAddress)] = []
        for bridge in topology.bridges {
            guard let metrics = bridge.metrics else { continue }
            let path = "bridges.\(bridge.id).metrics"
            if let other = seen.first(where: { clashes($0.address, metrics) }) {
                let same = other.address == metrics
                reader.error(at: at(path), same ? "metrics address \(metrics) is also used by bridge '\(other.id)'"
                                              : "metrics address \(metrics) takes port \(metrics.port) of bridge '\(other.id)' (\(other.address))",
                             hint: same ? "each bridge needs its own metrics address or port"
                                        : "in loopback mode all bridges run on one machine; give each its own metrics port")
            } else if let listener = listeners.first(where: { clashes($0.address, metrics) }) {
                let same = listener.address == metrics
                reader.error(at: at(path), "metrics address \(metrics) of bridge '\(bridge.id)' "
                                 + (same ? "is also signaling's '\(listener.name)' listener"
                                         : "takes port \(metrics.port) of signaling's '\(listener.name)' listener \(listener.address)"),
                             hint: "the controller listens there; give the bridge another metrics port")
            }
            seen.append((bridge.id, metrics))
        }
    }
}
