import Glibc
@testable import Overlay
import Testing
import Topology

/// rtnetlink and generic netlink through libmnl (`RouteNetlink`,
/// `GenericNetlink`) against the real kernel, inside a throwaway namespace.
@Suite("Netlink in a test namespace", .serialized)
struct NetnsRouteNetlinkTests {
    /// Carries a socket out of the namespace thread that opened it (and
    /// stays bound to that namespace).
    final class Handle<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    static func route(in namespace: String) throws -> RouteNetlink {
        try NetnsLab.inside(namespace) { Handle(try RouteNetlink()) }.value
    }

    @Test func linkAddressAndStateChangesOnADeviceInANamespace() throws {
        try NetnsLab.skipUnlessAvailable()
        try NetnsLab.with { lab in
            let namespace = try lab.addNamespace("rt")
            let route = try Self.route(in: namespace)
            // The dummy driver is the natural choice; kernels built without it
            // (like the development VM) still have the bridge driver.
            var kind = "dummy"
            do {
                try route.createLink(name: "mtest0", kind: kind)
            } catch let error as NetlinkError where error.code == EOPNOTSUPP {
                print("note: no dummy driver in this kernel; using a bridge device")
                kind = "bridge"
                try route.createLink(name: "mtest0", kind: kind)
            }
            let link = try #require(try route.link(named: "mtest0"))
            #expect(link.kind == kind)
            #expect(!link.isUp)
            #expect(throws: NetlinkError.self) { try route.createLink(name: "mtest0", kind: kind) }

            try route.setLink(index: link.index, name: "mtest0", up: true)
            #expect(try route.link(named: "mtest0")?.isUp == true)
            // `ip` agrees with what we read back.
            #expect(try lab.check(["ip", "-n", namespace, "-o", "link", "show", "mtest0"]).stdout.contains(",UP"))

            let v4 = InterfaceAddress(address: IPAddress("10.77.1.1")!, prefixLength: 16)
            let v6 = InterfaceAddress(address: IPAddress("fd77::1")!, prefixLength: 64)
            try route.addAddress(v4, interfaceIndex: link.index, name: "mtest0")
            try route.addAddress(v6, interfaceIndex: link.index, name: "mtest0")
            let assigned = try route.addresses().filter { $0.interfaceIndex == link.index }.map(\.address)
            #expect(assigned.contains(v4))
            #expect(assigned.contains(v6))
            let shown = try lab.check(["ip", "-n", namespace, "-o", "addr", "show", "dev", "mtest0"]).stdout
            #expect(shown.contains("inet 10.77.1.1/16"))
            #expect(shown.contains("inet6 fd77::1/64"))
            // The prefix length made the kernel route the whole network here.
            #expect(try lab.check(["ip", "-n", namespace, "route", "get", "10.77.200.9"]).stdout.contains("dev mtest0"))

            #expect {
                try route.addAddress(v4, interfaceIndex: link.index, name: "mtest0")
            } throws: { ($0 as? NetlinkError)?.code == EEXIST }

            try route.removeAddress(v4, interfaceIndex: link.index, name: "mtest0")
            #expect(!(try route.addresses().map(\.address).contains(v4)))

            try route.setLink(index: link.index, name: "mtest0", up: false)
            #expect(try route.link(named: "mtest0")?.isUp == false)
            try route.deleteLink(index: link.index, name: "mtest0")
            #expect(try route.link(named: "mtest0") == nil)
        }
    }

    @Test func aMissingLinkIsNilAndLoopbackIsFound() throws {
        try NetnsLab.skipUnlessAvailable()
        try NetnsLab.with { lab in
            let route = try Self.route(in: try lab.addNamespace("lk"))
            #expect(try route.link(named: "nosuchlink0") == nil)
            let lo = try #require(try route.link(named: "lo"))
            #expect(lo.isUp)
            #expect(try route.links().map(\.name) == ["lo"])
            #expect(try route.addresses().map(\.address.description).contains("127.0.0.1/8"))
        }
    }

    @Test func createLinkOfAnUnknownKindFailsWithEOPNOTSUPP() throws {
        try NetnsLab.skipUnlessAvailable()
        try NetnsLab.with { lab in
            let route = try Self.route(in: try lab.addNamespace("kd"))
            #expect {
                try route.createLink(name: "mtest1", kind: "no-such-kind")
            } throws: { ($0 as? NetlinkError)?.code == EOPNOTSUPP }
        }
    }

    /// GENL_ID_CTRL is 16 (`nlctrl` resolves itself); an unknown family is nil.
    @Test func genericNetlinkResolvesNlctrlAndNotAnUnknownFamily() throws {
        let netlink = try GenericNetlink()
        #expect(try netlink.familyID(named: "nlctrl") == 16)
        #expect(try netlink.familyID(named: "meridian-nope") == nil)
    }

    /// The kernel path end to end, where the kernel has the module; elsewhere
    /// (the development VM) it is skipped and says so.
    @Test func kernelPathConfiguresAndReadsBackAWireGuardLink() throws {
        try NetnsLab.skipUnlessAvailable()
        try NetnsLab.with { lab in
            let namespace = try lab.addNamespace("kw")
            let route = try Self.route(in: namespace)
            do {
                try route.createLink(name: "mwgk0", kind: "wireguard")
            } catch let error as NetlinkError where error.code == EOPNOTSUPP {
                print("skipped: this kernel has no WireGuard module, so the kernel path cannot be exercised here")
                try Test.cancel("no WireGuard kernel module")
            }
            let backend = try NetnsLab.inside(namespace) { Handle(try KernelWireGuard(interface: "mwgk0")) }.value
            #expect(backend.path == .kernel)
            let own = KeyPair.generate()
            let peer = WireGuardPeerConfiguration(
                publicKey: KeyPair.generate().publicKey, endpoint: SocketAddress(host: IPAddress("192.0.2.7")!, port: 51820),
                allowedIPs: [CIDR(address: IPAddress("10.77.1.2")!, prefixLength: 32)], persistentKeepalive: 25)
            try backend.apply(WireGuardDeviceUpdate(privateKey: own.secretKey, listenPort: 51820, peers: [.upsert(peer)]))
            let device = try backend.readDevice()
            #expect(device.privateKey == own.secretKey)
            #expect(device.listenPort == 51820)
            #expect(device.peers.map(\.configuration) == [peer])
            try backend.apply(WireGuardDeviceUpdate(peers: [.remove(peer.publicKey)]))
            #expect(try backend.readDevice().peers.isEmpty)
        }
    }
}
