import CMNL
import Topology
#if canImport(Glibc)
import Glibc
#endif

/// The kernel path: the `wireguard` generic netlink family
/// (include/uapi/linux/wireguard.h), used when `ip link add … type wireguard`
/// works.
///
/// Honest status: the machines Meridian is developed and tested on have no
/// WireGuard module, so only the parts shared with the tested code (the
/// libmnl socket, attribute building and parsing, family resolution, which
/// the tests exercise with `nlctrl`) have run; this file itself has not run
/// against a kernel. It is kept to the two commands the overlay needs:
///
///     WG_CMD_GET_DEVICE (dump)   WGDEVICE_A_IFNAME → private key, port, peers
///     WG_CMD_SET_DEVICE          WGDEVICE_A_IFNAME, PRIVATE_KEY, LISTEN_PORT,
///                                PEERS[i] { PUBLIC_KEY, FLAGS, ENDPOINT,
///                                  PERSISTENT_KEEPALIVE_INTERVAL,
///                                  ALLOWEDIPS[j] { FAMILY, IPADDR, CIDR_MASK } }
final class KernelWireGuard: WireGuardBackend {
    let interface: String
    let path: WireGuardPath = .kernel
    private let netlink: GenericNetlink
    private let family: UInt16

    init(interface: String) throws(OverlayError) {
        self.interface = interface
        do throws(NetlinkError) {
            netlink = try GenericNetlink()
            guard let id = try netlink.familyID(named: "wireguard") else {
                throw NetlinkError(operation: "resolve generic netlink family wireguard (is the module loaded?)", code: ENOENT)
            }
            family = id
        } catch {
            throw OverlayError.from(error)
        }
    }

    func readDevice() throws(OverlayError) -> WireGuardDeviceState {
        var device = WireGuardDeviceState()
        var peers: [WireGuardPeerState] = []
        do {
            try netlink.send("read WireGuard device \(interface)", family: family,
                             command: UInt8(WG_CMD_GET_DEVICE.rawValue), version: UInt8(WG_GENL_VERSION),
                             flags: NLM_F_DUMP, build: { message in
                message.put(Self.device(WGDEVICE_A_IFNAME), string: interface)
            }, onReply: { attributes in
                if let key = attributes[type: Self.device(WGDEVICE_A_PRIVATE_KEY)], key.payload.count == 32 {
                    device.privateKey = key.bytes
                }
                if let port = attributes[type: Self.device(WGDEVICE_A_LISTEN_PORT)]?.u16 { device.listenPort = port }
                // A peer with many allowed IPs may continue in the next
                // message of the dump under the same public key.
                for entry in attributes[type: Self.device(WGDEVICE_A_PEERS)]?.nested ?? [] {
                    guard let peer = Self.peerState(entry.nested) else { continue }
                    if let last = peers.indices.last,
                       peers[last].configuration.publicKey == peer.configuration.publicKey {
                        peers[last].configuration = WireGuardPeerConfiguration(
                            publicKey: peer.configuration.publicKey,
                            endpoint: peers[last].configuration.endpoint ?? peer.configuration.endpoint,
                            allowedIPs: peers[last].configuration.allowedIPs + peer.configuration.allowedIPs,
                            persistentKeepalive: peers[last].configuration.persistentKeepalive)
                    } else {
                        peers.append(peer)
                    }
                }
            })
        } catch {
            throw OverlayError.from(error)
        }
        device.peers = peers
        return device
    }

    func apply(_ update: WireGuardDeviceUpdate) throws(OverlayError) {
        guard !update.isEmpty else { return }
        do {
            try netlink.send("configure WireGuard device \(interface)", family: family,
                             command: UInt8(WG_CMD_SET_DEVICE.rawValue), version: UInt8(WG_GENL_VERSION),
                             flags: NLM_F_ACK, capacity: 1024 + 512 * update.peers.count) { message in
                message.put(Self.device(WGDEVICE_A_IFNAME), string: interface)
                if let key = update.privateKey { message.put(Self.device(WGDEVICE_A_PRIVATE_KEY), bytes: key) }
                if let port = update.listenPort { message.put(Self.device(WGDEVICE_A_LISTEN_PORT), u16: port) }
                guard !update.peers.isEmpty else { return }
                message.nest(Self.device(WGDEVICE_A_PEERS)) {
                    for (index, change) in update.peers.enumerated() {
                        message.nest(UInt16(truncatingIfNeeded: index)) { Self.put(change, into: message) }
                    }
                }
            }
        } catch where error.code == EADDRINUSE {
            throw .listenPortInUse(update.listenPort ?? 0)
        } catch {
            throw OverlayError.from(error)
        }
    }

    private static func put(_ change: WireGuardDeviceUpdate.PeerChange, into message: NetlinkMessageBuilder) {
        switch change {
        case .remove(let key):
            message.put(peer(WGPEER_A_PUBLIC_KEY), bytes: key.bytes)
            message.put(peer(WGPEER_A_FLAGS), u32: WGPEER_F_REMOVE_ME.rawValue)
        case .upsert(let configuration):
            message.put(peer(WGPEER_A_PUBLIC_KEY), bytes: configuration.publicKey.bytes)
            message.put(peer(WGPEER_A_FLAGS), u32: WGPEER_F_REPLACE_ALLOWEDIPS.rawValue)
            if let endpoint = configuration.endpoint {
                message.put(peer(WGPEER_A_ENDPOINT), bytes: Sockaddr.encode(endpoint))
            }
            message.put(peer(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL), u16: configuration.persistentKeepalive)
            message.nest(peer(WGPEER_A_ALLOWEDIPS)) {
                for (index, cidr) in configuration.allowedIPs.enumerated() {
                    message.nest(UInt16(truncatingIfNeeded: index)) {
                        let family = cidr.address.isIPv6 ? AF_INET6 : AF_INET
                        message.put(UInt16(WGALLOWEDIP_A_FAMILY.rawValue), u16: UInt16(family))
                        message.put(UInt16(WGALLOWEDIP_A_IPADDR.rawValue), bytes: cidr.address.bytes)
                        message.put(UInt16(WGALLOWEDIP_A_CIDR_MASK.rawValue), u8: UInt8(cidr.prefixLength))
                    }
                }
            }
        }
    }

    private static func peerState(_ fields: [NetlinkAttribute]) -> WireGuardPeerState? {
        guard let keyBytes = fields[type: peer(WGPEER_A_PUBLIC_KEY)]?.bytes,
              let publicKey = PublicKey(bytes: keyBytes) else { return nil }
        var allowed: [CIDR] = []
        for entry in fields[type: peer(WGPEER_A_ALLOWEDIPS)]?.nested ?? [] {
            let ip = entry.nested
            guard let bytes = ip[type: UInt16(WGALLOWEDIP_A_IPADDR.rawValue)]?.bytes,
                  let mask = ip[type: UInt16(WGALLOWEDIP_A_CIDR_MASK.rawValue)]?.u8 else { continue }
            switch bytes.count {
            case 4 where mask <= 32: allowed.append(CIDR(address: .v4(bytes), prefixLength: Int(mask)))
            case 16 where mask <= 128: allowed.append(CIDR(address: .v6(bytes), prefixLength: Int(mask)))
            default: continue
            }
        }
        var handshake: Double?
        // struct __kernel_timespec { s64 tv_sec; s64 tv_nsec; }
        if let time = fields[type: peer(WGPEER_A_LAST_HANDSHAKE_TIME)], time.payload.count == 16 {
            let seconds = time.payload.loadUnaligned(fromByteOffset: 0, as: Int64.self)
            let nanoseconds = time.payload.loadUnaligned(fromByteOffset: 8, as: Int64.self)
            if seconds != 0 || nanoseconds != 0 { handshake = Double(seconds) + Double(nanoseconds) / 1e9 }
        }
        let configuration = WireGuardPeerConfiguration(
            publicKey: publicKey,
            endpoint: fields[type: peer(WGPEER_A_ENDPOINT)].flatMap { Sockaddr.decode($0.bytes) },
            allowedIPs: allowed,
            persistentKeepalive: fields[type: peer(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL)]?.u16 ?? 0)
        return WireGuardPeerState(configuration: configuration, lastHandshake: handshake,
                                  receivedBytes: fields[type: peer(WGPEER_A_RX_BYTES)]?.u64 ?? 0,
                                  transmittedBytes: fields[type: peer(WGPEER_A_TX_BYTES)]?.u64 ?? 0)
    }

    private static func device(_ attribute: wgdevice_attribute) -> UInt16 { UInt16(attribute.rawValue) }
    private static func peer(_ attribute: wgpeer_attribute) -> UInt16 { UInt16(attribute.rawValue) }
}

@available(*, unavailable)
extension KernelWireGuard: Sendable {}
