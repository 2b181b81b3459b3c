import Hummingbird
import HummingbirdWebSocket
import Logging
import Topology

/// The controller's HTTP servers. The client API (and the participants'
/// event sockets), the bridges' control channel and `/metrics` each go where
/// the topology says (`signaling.listen`, `signaling.control`,
/// `signaling.metrics`, issue 6): roles whose addresses are equal share one
/// listener, so the default topology still has a single port. Each listener
/// is its own Hummingbird `Application`; the caller runs them side by side in
/// a task group and stops them together.
///
/// Why separate listeners at all: the control channel and the metrics can
/// then be bound to an overlay or loopback address that clients never reach,
/// which keeps the bridges' secret handshake and the operational numbers off
/// the public interface.
public enum SignalServer {
    public enum Role: String, Sendable, CaseIterable {
        case client, control, metrics
    }

    /// One address and what it serves.
    public struct Listener: Sendable, Equatable {
        public var address: SocketAddress
        public var roles: Set<Role>

        public init(address: SocketAddress, roles: Set<Role>) {
            self.address = address
            self.roles = roles
        }
    }

    /// Everything the routes need besides the controller.
    public struct Options: Sendable {
        public var clusterSecret: [UInt8]
        /// Room tokens on join; `nil`: joins need none (`signaling.auth` unset).
        public var verifier: RoomTokenVerifier?
        public var joins: JoinCounter
        /// More series for the controller's `/metrics` after its own (the
        /// bridges of `meridian up` that have no metrics address).
        public var extraMetrics: [MetricsEndpoint.Recorder]

        public init(clusterSecret: [UInt8], verifier: RoomTokenVerifier? = nil, joins: JoinCounter = JoinCounter(),
                    extraMetrics: [MetricsEndpoint.Recorder] = []) {
            self.clusterSecret = clusterSecret
            self.verifier = verifier
            self.joins = joins
            self.extraMetrics = extraMetrics
        }
    }

    /// The listeners for the three roles' addresses, client first; equal
    /// addresses are merged into one listener.
    public static func listeners(client: SocketAddress, control: SocketAddress,
                                 metrics: SocketAddress) -> [Listener] {
        var result: [Listener] = []
        for (role, address) in [(Role.client, client), (.control, control), (.metrics, metrics)] {
            if let index = result.firstIndex(where: { $0.address == address }) {
                result[index].roles.insert(role)
            } else {
                result.append(Listener(address: address, roles: [role]))
            }
        }
        return result
    }

    /// One application per listener, in the order given. `onRunning` is
    /// called with each listener and the port it bound (the real one when
    /// the address asked for port 0).
    public static func makeApplications(
        controller: Controller, listeners: [Listener], options: Options, logger: Logger,
        onRunning: @escaping @Sendable (Listener, Int) async -> Void = { _, _ in }
    ) -> [Application<RouterResponder<SignalContext>>] {
        let metrics = ControllerMetrics(controller: controller, joins: options.joins)
        let recorders: [MetricsEndpoint.Recorder] = [{ await metrics.record(into: $0) }] + options.extraMetrics
        return listeners.map { listener in
            let router = Router(context: SignalContext.self)
            if listener.roles.contains(.client) {
                ClientRoutes.add(to: router, controller: controller, verifier: options.verifier, joins: options.joins)
            } else {
                router.get("/health") { _, _ in JSONResponse.make(.ok, ["status": "ok"]) }
            }
            if listener.roles.contains(.control) {
                ControlEndpoint.add(to: router, controller: controller, clusterSecret: options.clusterSecret,
                                    logger: logger)
                OperatorRoutes.add(to: router, controller: controller, clusterSecret: options.clusterSecret)
            }
            if listener.roles.contains(.metrics) {
                MetricsEndpoint.add(to: router, recorders: recorders)
            }
            let upgrades = listener.roles.contains(.client) || listener.roles.contains(.control)
            let port = Int(listener.address.port)
            return Application(
                router: router,
                server: upgrades ? .http1WebSocketUpgrade(webSocketRouter: router) : .http1(),
                configuration: .init(address: .hostname(listener.address.host.description, port: port),
                                     serverName: "meridian"),
                onServerRunning: { channel in await onRunning(listener, channel.localAddress?.port ?? port) },
                logger: logger
            )
        }
    }
}
