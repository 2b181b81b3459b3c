import Control
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization

/// The bridge's end of the control channel (DESIGN §5): dials the
/// controller's WebSocket with the bridge's id and secret, says hello,
/// reports stats every second, runs the commands it receives and reports
/// endpoint events. Reconnects with backoff when the controller goes away;
/// the bridge keeps forwarding media meanwhile.
public struct BridgeControlClient: Sendable {
    let bridge: MediaBridge
    let url: String
    let secret: String
    let logger: Logger
    /// Seconds between stats frames.
    var statsInterval: Duration = .seconds(1)

    public init(bridge: MediaBridge, controllerURL: String, secret: String, logger: Logger) {
        self.bridge = bridge
        self.url = controllerURL
        self.secret = secret
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let outbound = OutboundSlot()
        // One consumer of the bridge's events for the client's whole life; an
        // event that happens while disconnected is logged and dropped (the
        // controller learns the state from the next commands and stats).
        let events = Task {
            for await event in bridge.events {
                if await outbound.send(ControlCodec.encode(.event(event))) == false {
                    logger.warning("control: dropped event \(event.kind.rawValue) for \(event.endpoint) (not connected)")
                }
            }
        }
        let linkEvents = Task {
            for await event in bridge.linkEvents {
                if await outbound.send(ControlCodec.encode(.link(event))) == false {
                    logger.warning("control: dropped link event \(event.peer) \(event.state.rawValue) (not connected)")
                }
            }
        }
        defer {
            events.cancel()
            linkEvents.cancel()
        }
        var backoff: Duration = .milliseconds(200)
        while !Task.isCancelled {
            do {
                try await connectOnce(outbound)
                backoff = .milliseconds(200)
            } catch {
                logger.warning("control: \(url): \(error)")
            }
            await outbound.set(nil)
            guard !Task.isCancelled else { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func connectOnce(_ slot: OutboundSlot) async throws {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Meridian-Bridge")!] = bridge.configuration.id
        headers[HTTPField.Name(ControlProtocol.secretHeader)!] = secret
        let configuration = WebSocketClientConfiguration(additionalHeaders: headers)
        let bridge = self.bridge, logger = self.logger, interval = statsInterval
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
            let writer = WriterBox(outbound)
            try await outbound.write(.text(ControlCodec.encode(.hello(bridge.hello))))
            await slot.set(writer)
            logger.info("control: bridge \(bridge.configuration.id) connected to the controller")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await writer.write(ControlCodec.encode(.stats(bridge.statistics())))
                        try await Task.sleep(for: interval)
                    }
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        switch try? ControlCodec.decodeControllerMessage(text) {
                        case .command(let id, let command)?:
                            let error = await bridge.execute(command)
                            try await writer.write(ControlCodec.encode(.reply(CommandReply(id: id, error: error))))
                        case .welcome?:
                            continue
                        case nil:
                            logger.warning("control: ignored a malformed frame from the controller")
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// Serialises writes to one WebSocket from several tasks.
private actor WriterBox {
    let outbound: WebSocketOutboundWriter

    init(_ outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    func write(_ text: String) async throws {
        try await outbound.write(.text(text))
    }
}

/// The current connection's writer, if connected.
private actor OutboundSlot {
    private var writer: WriterBox?

    func set(_ writer: WriterBox?) {
        self.writer = writer
    }

    /// False when there is no connection or the write failed.
    func send(_ text: String) async -> Bool {
        guard let writer else { return false }
        return (try? await writer.write(text)) != nil
    }
}
