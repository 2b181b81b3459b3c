import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Topology

/// The controller's HTTP server: client API, participant event sockets and
/// the bridges' control channel on one listener.
public enum SignalServer {
    public static func makeApplication(controller: Controller, clusterSecret: [UInt8], host: String, port: Int,
                                       logger: Logger,
                                       onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = Router(context: SignalContext.self)
        ClientRoutes.add(to: router, controller: controller)
        OperatorRoutes.add(to: router, controller: controller, clusterSecret: clusterSecret)
        ControlEndpoint.add(to: router, controller: controller, clusterSecret: clusterSecret, logger: logger)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "meridian"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
