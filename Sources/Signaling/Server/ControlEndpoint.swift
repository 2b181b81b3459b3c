import Control
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `WebSocket /v1/control`: where bridges dial in (DESIGN §5). The upgrade
/// request names the bridge (`X-Meridian-Bridge`) and carries its secret
/// (`X-Meridian-Bridge-Secret`); a wrong secret gets no upgrade. The first
/// frame must be `hello`; then stats, replies, endpoint events and link
/// events flow in. Opening and closing the channel tell the `Controller`
/// (`bridgeConnected`, `bridgeDisconnected`), which replans the cascades of
/// the rooms on that bridge.
enum ControlEndpoint {
    static let bridgeHeader = HTTPField.Name("X-Meridian-Bridge")!
    static let secretHeader = HTTPField.Name(ControlProtocol.secretHeader)!

    static func add(to router: Router<SignalContext>, controller: Controller, clusterSecret: [UInt8], logger: Logger) {
        router.ws(RouterPath(stringLiteral: ControlProtocol.path)) { request, _ in
            guard let bridge = request.headers[bridgeHeader], let secret = request.headers[secretHeader],
                  BridgeSecret.matches(secret, BridgeSecret.derive(clusterSecret: clusterSecret, bridge: bridge)) else {
                logger.warning("control: refused a connection with a missing or wrong bridge secret")
                return .dontUpgrade
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let claimed = context.request.headers[bridgeHeader] ?? ""
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            guard case .text(let first)? = try await messages.next(),
                  case .hello(let hello) = try? ControlCodec.decodeBridgeMessage(first), hello.bridge == claimed else {
                try await outbound.close(.policyViolation, reason: "expected hello from \(claimed)")
                return
            }
            let link = BridgeLink(hello: hello) { text in try await outbound.write(.text(text)) }
            do { try await controller.registry.connect(link) } catch {
                logger.warning("control: \(error)")
                try await outbound.close(.policyViolation, reason: "\(error)")
                return
            }
            logger.info("control: bridge \(hello.bridge) (\(hello.region)) connected, media \(hello.media.joined(separator: ", "))")
            try await outbound.write(.text(ControlCodec.encode(.welcome(Welcome(controller: "meridian")))))
            // Endpoint and link events go through one queue worked off beside
            // this read loop: handling one sends commands to this same bridge,
            // whose replies this loop must keep reading, and may wait on other
            // bridges. Replies and stats are handled here at once (they never
            // wait on a bridge): stats stuck behind a slow event would make
            // this bridge look silent. One queue keeps the events in order.
            let (queue, enqueue) = AsyncStream<BridgeMessage>.makeStream()
            Task {
                await controller.bridgeConnected(hello.bridge)
                for await message in queue { await controller.receive(message, from: link) }
            }
            defer {
                enqueue.finish()
                // At once, not after the queue drains: the surviving bridges
                // must stop waiting for this one's media (failover).
                Task { await controller.bridgeDisconnected(link) }
            }
            while let message = try await messages.next() {
                guard case .text(let text) = message else { continue }
                switch try? ControlCodec.decodeBridgeMessage(text) {
                case .reply(let reply)?: await link.resolve(reply)
                case .stats(let stats)?: await controller.registry.report(stats, from: hello.bridge)
                case .hello?, nil: logger.warning("control: unexpected frame from \(hello.bridge)")
                case let message?: enqueue.yield(message)
                }
            }
            logger.info("control: bridge \(hello.bridge) disconnected")
        }
    }
}
