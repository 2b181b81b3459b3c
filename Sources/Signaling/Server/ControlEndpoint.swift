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
            // Every frame goes to `Controller.receive`. Endpoint and link
            // events go there through one queue worked off beside this read
            // loop: handling one sends commands to this same bridge, whose
            // replies this loop must keep reading, and may wait on other
            // bridges; the queue keeps them in order. Replies and stats go at
            // once (they never wait on a bridge): stats stuck behind a slow
            // event would make this bridge look silent.
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
            while let frame = try await messages.next() {
                guard case .text(let text) = frame else { continue }
                guard let message = try? ControlCodec.decodeBridgeMessage(text) else {
                    logger.warning("control: undecodable frame from \(hello.bridge)")
                    continue
                }
                switch message {
                case .event, .link: enqueue.yield(message)
                case .hello, .stats, .reply: await controller.receive(message, from: link)
                }
            }
            logger.info("control: bridge \(hello.bridge) disconnected")
        }
    }
}
