import Hummingbird
import Logging
import Topology

/// A listener serving only `GET /metrics` and `GET /health`: a bridge's own
/// metrics address (`bridges.ID.metrics` in the topology). A bridge has no
/// other HTTP surface, so this is all it binds.
public enum MetricsServer {
    public static func makeApplication(
        address: SocketAddress, recorders: [MetricsEndpoint.Recorder], logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("/health") { _, _ in JSONResponse.make(.ok, ["status": "ok"]) }
        MetricsEndpoint.add(to: router, recorders: recorders)
        let port = Int(address.port)
        return Application(
            router: router,
            configuration: .init(address: .hostname(address.host.description, port: port), serverName: "meridian"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
