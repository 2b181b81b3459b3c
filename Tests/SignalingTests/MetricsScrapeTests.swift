import Control
import Foundation
import Logging
import Relay
@testable import Signaling
import Synchronization
import Testing
import Topology
#if canImport(Glibc)
import Glibc
#endif

/// `/metrics` scraped over HTTP from a running controller and a running
/// bridge: the names, labels and types are there, and the values follow what
/// happens (stats reports, joins, datagrams).
struct MetricsScrapeTests {
    static func scrape(_ live: LiveListeners) async throws -> Exposition {
        let reply = try await live.send(.metrics, .get, "/metrics")
        #expect(reply.status == 200)
        #expect(reply.contentType == MetricsEndpoint.contentType)
        return Exposition(text: reply.body)
    }

    @Test func theControllersMetricsFollowReportsAndJoins() async throws {
        let (controller, bridges) = try await ControllerFixture.make()
        let live = LiveListeners()
        // A bridge of `meridian up` without a metrics address: its series
        // ride on the controller's listener, with its label.
        let embedded = Mutex(BridgeStats())
        let source = BridgeMetrics(bridge: "fra-1", dropReasons: ["unknown-kind"]) { embedded.withLock { $0 } }
        let listener = try SignalServer.Listener.allRolesOnLoopback()
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: [listener],
            options: .init(clusterSecret: ControlChannelTests.clusterSecret,
                           extraMetrics: [{ source.record(into: $0) }]),
            logger: Logger(label: "test.metrics")
        ) { listener, port in await live.bound(listener, port: port) }
        try await LiveListeners.serving(apps) {
            var metrics = try await Self.scrape(live)
            for (name, type) in [("meridian_controller_rooms", "gauge"), ("meridian_controller_participants", "gauge"),
                                 ("meridian_controller_bridges", "gauge"), ("meridian_controller_bridge_stress", "gauge"),
                                 ("meridian_controller_joins_total", "counter"),
                                 ("meridian_controller_selections_total", "counter"),
                                 ("meridian_bridge_drops_total", "counter"), ("meridian_bridge_packets_total", "counter")] {
                #expect(metrics.declares(name, type: type), "\(name) \(type)")
            }
            #expect(metrics.value("meridian_controller_rooms") == 0)
            #expect(metrics.value(#"meridian_controller_bridges{state="up"}"#) == 2)
            #expect(metrics.value(#"meridian_controller_bridge_state{bridge="iad-1",region="us",state="up"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_bridge_stress{bridge="fra-1",region="eu"}"#) == 0)
            #expect(metrics.value(#"meridian_controller_link_rtt_seconds{bridge="fra-1",peer="iad-1"}"#) == nil)
            for rule in BridgeSelector.Rule.allCases {
                #expect(metrics.value(#"meridian_controller_selections_total{rule="\#(rule.rawValue)"}"#) == 0, "\(rule)")
            }
            #expect(metrics.value(#"meridian_bridge_drops_total{bridge="fra-1",reason="unknown-kind"}"#) == 0)

            await bridges["fra-1"]!.report(BridgeStats(stress: 0.25, endpoints: 3, links: [LinkStats(peer: "iad-1", up: true, rttMs: 88)]),
                                           to: controller)
            embedded.withLock {
                $0 = BridgeStats(packetsIn: 40, bytesIn: 4000, drops: ["unknown-kind": 2], keyframeRequests: 5,
                                 links: [LinkStats(peer: "iad-1", up: false, rttMs: nil, packetsOut: 7, bytesOut: 700)])
            }
            let join = #"{"name":"alice","region":"us"}"#
            #expect(try await live.send(.client, .post, "/v1/rooms/standup/participants", json: join).status == 201)

            metrics = try await Self.scrape(live)
            #expect(metrics.value(#"meridian_controller_bridge_stress{bridge="fra-1",region="eu"}"#) == 0.25)
            #expect(metrics.value(#"meridian_controller_bridge_endpoints{bridge="fra-1",region="eu"}"#) == 3)
            #expect(metrics.value(#"meridian_controller_link_rtt_seconds{bridge="fra-1",peer="iad-1"}"#) == 0.088)
            #expect(metrics.value(#"meridian_controller_link_up{bridge="fra-1",peer="iad-1"}"#) == 1)
            #expect(metrics.value("meridian_controller_rooms") == 1)
            #expect(metrics.value(#"meridian_controller_participants{region="us"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_participants{region="eu"}"#) == 0)
            #expect(metrics.value(#"meridian_controller_bridge_participants{bridge="iad-1",region="us"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_joins_total{region_source="hint"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_joins_total{region_source="address"}"#) == 0)
            // alice, alone in the room, went to the bridge of her region.
            #expect(metrics.value(#"meridian_controller_selections_total{rule="region"}"#) == 1)
            #expect(metrics.value(#"meridian_controller_selections_total{rule="room-region"}"#) == 0)
            #expect(metrics.value(#"meridian_bridge_packets_total{bridge="fra-1",direction="in",kind="media"}"#) == 40)
            #expect(metrics.value(#"meridian_bridge_packets_total{bridge="fra-1",direction="out",kind="cascade"}"#) == 7)
            #expect(metrics.value(#"meridian_bridge_link_bytes_total{bridge="fra-1",peer="iad-1",direction="out"}"#) == 700)
            #expect(metrics.value(#"meridian_bridge_link_up{bridge="fra-1",peer="iad-1"}"#) == 0)
            #expect(metrics.value(#"meridian_bridge_keyframe_requests_total{bridge="fra-1"}"#) == 5)
            #expect(metrics.value(#"meridian_bridge_drops_total{bridge="fra-1",reason="unknown-kind"}"#) == 2)
        }
    }

    @Test func aRunningBridgesMetricsListenerCountsItsTraffic() async throws {
        let bridge = try MediaBridge(configuration: .init(id: "b1", region: "eu", media: PeerAddress("127.0.0.1:0")!))
        bridge.start()
        let live = LiveListeners()
        let source = BridgeMetrics(bridge: "b1", dropReasons: DropReason.allCases.map(\.name)) { bridge.statistics() }
        let address = try SocketAddress.parse("127.0.0.1:0", allowingPortZero: true).get()
        let app = MetricsServer.makeApplication(address: address, recorders: [{ source.record(into: $0) }],
                                                logger: Logger(label: "test.bridge-metrics")) {
            await live.bound(.init(address: address, roles: [.metrics]), port: $0)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            var metrics = try await Self.scrape(live)
            #expect(metrics.value(#"meridian_bridge_drops_total{bridge="b1",reason="unknown-kind"}"#) == 0)
            #expect(metrics.value(#"meridian_bridge_drops_total{bridge="b1",reason="srtp-replay"}"#) == 0)
            #expect(metrics.value(#"meridian_bridge_endpoints{bridge="b1"}"#) == 0)

            // One endpoint and one datagram of no known kind (RFC 7983: 0xFF).
            #expect(await bridge.execute(.allocate(.init(conference: "r", endpoint: "e1", iceUfrag: "ufrg",
                                                         icePwd: "passwordpasswordpassword"))) == nil)
            try Self.sendDatagram([0xFF, 1, 2, 3], to: bridge.mediaAddress.port)
            // The snapshot is refreshed every second by the media thread.
            let moved = await ControlChannelTests.eventually {
                guard let now = try? await Self.scrape(live) else { return false }
                return now.value(#"meridian_bridge_drops_total{bridge="b1",reason="unknown-kind"}"#) == 1
                    && now.value(#"meridian_bridge_endpoints{bridge="b1"}"#) == 1
            }
            #expect(moved)
            metrics = try await Self.scrape(live)
            #expect(metrics.value(#"meridian_bridge_packets_total{bridge="b1",direction="in",kind="media"}"#) == 1)
            #expect(metrics.value(#"meridian_bridge_bytes_total{bridge="b1",direction="in",kind="media"}"#) == 4)
            #expect((metrics.value(#"meridian_bridge_stress{bridge="b1"}"#) ?? 0) > 0)
        }
        await bridge.stop()
    }

    /// One UDP datagram from a fresh socket to 127.0.0.1:`port`.
    static func sendDatagram(_ bytes: [UInt8], to port: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == bytes.count else { throw POSIXError(.EIO) }
    }
}
