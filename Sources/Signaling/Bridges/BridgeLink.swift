import Control

/// The controller's end of one bridge's control channel: sends commands and
/// waits for their replies. The WebSocket handler feeds replies in with
/// `resolve`; `close` fails whatever is still waiting when the socket goes.
public actor BridgeLink {
    public nonisolated let bridge: String
    public nonisolated let hello: BridgeHello
    private let write: @Sendable (String) async throws -> Void
    private var nextID: UInt64 = 1
    private var pending: [UInt64: CheckedContinuation<String?, Never>] = [:]
    private var closed = false

    /// How long a bridge may take to acknowledge a command.
    public static let commandTimeout: Duration = .seconds(5)

    public init(hello: BridgeHello, write: @escaping @Sendable (String) async throws -> Void) {
        self.bridge = hello.bridge
        self.hello = hello
        self.write = write
    }

    /// Sends `command` and returns when the bridge acknowledged it.
    public func execute(_ command: ControlCommand) async throws(APIError) {
        guard !closed else { throw .unavailable("bridge \(bridge) is not connected") }
        let id = nextID
        nextID += 1
        let text = ControlCodec.encode(.command(id: id, command))
        let failure: String? = await withCheckedContinuation { continuation in
            pending[id] = continuation
            Task {
                do { try await write(text) } catch { self.resolve(id: id, error: "write failed: \(error)") }
            }
            Task {
                try? await Task.sleep(for: Self.commandTimeout)
                self.resolve(id: id, error: "no reply within \(Self.commandTimeout)")
            }
        }
        if let failure { throw .unavailable("bridge \(bridge): \(failure)") }
    }

    public func resolve(_ reply: CommandReply) {
        resolve(id: reply.id, error: reply.error)
    }

    private func resolve(id: UInt64, error: String?) {
        pending.removeValue(forKey: id)?.resume(returning: error)
    }

    public func close() {
        closed = true
        for (_, continuation) in pending { continuation.resume(returning: "control channel closed") }
        pending.removeAll()
    }
}
