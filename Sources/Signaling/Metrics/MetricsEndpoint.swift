import Hummingbird
import NIOCore

/// `GET /metrics` on any Hummingbird router: a fresh `MetricsSheet` filled by
/// each recorder in turn, emitted as Prometheus text. The controller's
/// listener passes the controller's recorder (and, in `meridian up`, those of
/// its bridges that have no listener of their own); a bridge's own metrics
/// listener passes only its own.
public enum MetricsEndpoint {
    /// Adds one source's series to a scrape's sheet.
    public typealias Recorder = @Sendable (MetricsSheet) async -> Void

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func add<Context: RequestContext>(to router: Router<Context>, recorders: [Recorder]) {
        router.get("/metrics") { _, _ in
            let sheet = MetricsSheet()
            for record in recorders { await record(sheet) }
            var headers = HTTPFields()
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: sheet.text())))
        }
    }
}
