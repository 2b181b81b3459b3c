import Topology
#if canImport(Glibc)
import Glibc
#endif

/// `meridian overlay up|status|down` as library calls: reads the interface
/// back, plans with `OverlayPlan`, applies the plan, picks the kernel or
/// wireguard-go path.
///
/// Path detection: an existing interface of kind "wireguard" is the kernel's;
/// one whose UAPI socket is served by a wireguard-go in this network namespace
/// is userspace. A missing interface is created as `type wireguard` through
/// rtnetlink; if the kernel answers EOPNOTSUPP (no module) wireguard-go is
/// started instead. Addresses and link state go through rtnetlink either way.
///
/// Bound to the network namespace it was created in. Concurrency: not
/// thread-safe; one command uses it from one thread.
public final class OverlayManager {
    private let route: RouteNetlink

    public init() throws(OverlayError) {
        do { route = try RouteNetlink() } catch { throw OverlayError.from(error) }
    }

    public struct UpReport: Equatable, Sendable {
        public var path: WireGuardPath
        /// Empty when the interface already matched the topology.
        public var changes: [OverlayChange]
    }

    /// Brings the interface to `desired`, calling `log` with each change as it
    /// is applied. If this call created the interface and a later step fails,
    /// the interface is removed again so that nothing half-configured remains.
    public func up(_ desired: OverlayDesiredState, log: (String) -> Void) throws(OverlayError) -> UpReport {
        let name = desired.interfaceName
        let existing = try netlink { () throws(NetlinkError) in try route.link(named: name) }
        try checkAddressIsFree(desired.address, except: existing?.index)

        var backend: (any WireGuardBackend)?
        var observed = ObservedOverlay.absent
        if let existing {
            let attached = try attach(existing)
            backend = attached
            let addresses = try netlink { () throws(NetlinkError) in try route.addresses() }
            observed = ObservedOverlay(linkExists: true, isUp: existing.isUp,
                                       addresses: addresses.filter { $0.interfaceIndex == existing.index }.map(\.address),
                                       device: try attached.readDevice())
        }
        let changes = OverlayPlan.changes(from: observed, to: desired)
        if changes.isEmpty, let backend {
            log("\(name): \(backend.path)")
            return UpReport(path: backend.path, changes: [])
        }

        var created = false
        do throws(OverlayError) {
            if backend == nil {
                backend = try create(name, log: log)
                created = true
                log("created interface \(name)")
            }
            guard let backend, let link = try netlink({ () throws(NetlinkError) in try route.link(named: name) }) else {
                throw OverlayError.netlink(NetlinkError(operation: "look up link \(name) after creating it", code: ENODEV))
            }
            if !created { log("\(name): \(backend.path)") }
            try backend.apply(OverlayPlan.deviceUpdate(for: changes, desired: desired))
            for change in changes {
                switch change {
                case .createInterface:
                    continue
                case .removeAddress(let address):
                    try netlink { () throws(NetlinkError) in try route.removeAddress(address, interfaceIndex: link.index, name: name) }
                case .addAddress(let address):
                    try netlink { () throws(NetlinkError) in try route.addAddress(address, interfaceIndex: link.index, name: name) }
                case .setLinkUp:
                    try netlink { () throws(NetlinkError) in try route.setLink(index: link.index, name: name, up: true) }
                case .setPrivateKey, .setListenPort, .removePeer, .updatePeer, .addPeer:
                    break  // applied above in one device update
                }
                log(change.description)
            }
            return UpReport(path: backend.path, changes: changes)
        } catch {
            if created, let link = try? route.link(named: name) {
                try? route.deleteLink(index: link.index, name: name)
                log("removed the half-configured interface \(name) again")
            }
            throw error
        }
    }

    /// The interface as it is now, or nil if there is none of that name.
    public func status(interface name: String) throws(OverlayError) -> OverlayStatus? {
        guard let link = try netlink({ () throws(NetlinkError) in try route.link(named: name) }) else { return nil }
        let backend = try attach(link)
        let addresses = try netlink { () throws(NetlinkError) in try route.addresses() }
        return OverlayStatus(interface: name, path: backend.path, isUp: link.isUp,
                             addresses: addresses.filter { $0.interfaceIndex == link.index }.map(\.address),
                             device: try backend.readDevice())
    }

    public struct DownReport: Equatable, Sendable {
        public var path: WireGuardPath
        /// The wireguard-go that served the interface and has now exited.
        public var stoppedProcess: Int32?
        /// It had to be sent SIGTERM (it did not exit when its interface went).
        public var neededSignal: Bool
    }

    /// Deletes the interface (only if it is a WireGuard one) and waits for its
    /// wireguard-go to exit. nil if there was no such interface.
    public func down(interface name: String) throws(OverlayError) -> DownReport? {
        guard let link = try netlink({ () throws(NetlinkError) in try route.link(named: name) }) else { return nil }
        let backend = try attach(link)
        try netlink { () throws(NetlinkError) in try route.deleteLink(index: link.index, name: name) }
        guard case .userspace(let pid?, _) = backend.path else {
            return DownReport(path: backend.path, stoppedProcess: nil, neededSignal: false)
        }
        // wireguard-go exits when its TUN device disappears; signal it only if it lingers.
        switch WireGuardGoProcess.stop(pid: pid) {
        case .exitedOnItsOwn: return DownReport(path: backend.path, stoppedProcess: pid, neededSignal: false)
        case .exitedAfterSIGTERM: return DownReport(path: backend.path, stoppedProcess: pid, neededSignal: true)
        case .stillRunning: throw .wireGuardGoStillRunning(pid: pid)
        }
    }

    // MARK: - Paths

    private func attach(_ link: LinkInfo) throws(OverlayError) -> any WireGuardBackend {
        if link.kind == "wireguard" { return try KernelWireGuard(interface: link.name) }
        let connection = UAPIConnection(interface: link.name)
        do {
            try connection.probe()
            // The socket directory is shared by all namespaces: the socket is
            // ours only if the process serving this namespace's TUN device
            // of that name is alive.
            if let pid = WireGuardGoProcess.daemon(serving: link.name) {
                return UserspaceWireGuard(interface: link.name, pid: pid)
            }
        } catch .permissionDenied {
            throw .notRoot(operation: "connect to \(connection.path)")
        } catch {}
        throw .interfaceNotWireGuard(name: link.name, kind: link.kind)
    }

    private func create(_ name: String, log: (String) -> Void) throws(OverlayError) -> any WireGuardBackend {
        do {
            try route.createLink(name: name, kind: "wireguard")
            log("\(name): the kernel has WireGuard; using \(WireGuardPath.kernel)")
            return try KernelWireGuard(interface: name)
        } catch let error as NetlinkError where error.code == EOPNOTSUPP {
            log("\(name): this kernel has no WireGuard module (\(error.description)); starting wireguard-go")
        } catch let error as NetlinkError {
            throw OverlayError.from(error)
        } catch let error as OverlayError {
            throw error
        } catch {
            throw .netlink(NetlinkError(operation: "create link \(name): \(error)", code: EIO))
        }
        let connection = UAPIConnection(interface: name)
        if (try? connection.probe()) != nil {
            throw .interfaceNameTakenElsewhere(name: name, socket: connection.path)
        }
        try WireGuardGoProcess.start(interface: name)
        let backend = UserspaceWireGuard(interface: name, pid: WireGuardGoProcess.daemon(serving: name))
        log("\(name): using \(backend.path)")
        return backend
    }

    private func checkAddressIsFree(_ address: InterfaceAddress, except index: Int32?) throws(OverlayError) {
        let all = try netlink { () throws(NetlinkError) in try route.addresses() }
        guard let clash = all.first(where: { $0.address.address == address.address && $0.interfaceIndex != index }) else {
            return
        }
        let links = (try? route.links()) ?? []
        let owner = links.first { $0.index == clash.interfaceIndex }?.name ?? "#\(clash.interfaceIndex)"
        throw .addressInUse(clash.address, interface: owner)
    }

    private func netlink<T>(_ body: () throws(NetlinkError) -> T) throws(OverlayError) -> T {
        do { return try body() } catch { throw OverlayError.from(error) }
    }
}

@available(*, unavailable)
extension OverlayManager: Sendable {}
