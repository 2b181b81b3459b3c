import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Request context of the controller's HTTP server: Hummingbird's core
/// storage, the WebSocket upgrade slot, and the peer address (for region
/// resolution by client address).
public struct SignalContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<SignalContext>
    public let remoteAddress: NIOCore.SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }
}
