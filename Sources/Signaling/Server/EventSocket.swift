import Foundation
import Hummingbird
import HummingbirdWebSocket

/// `WebSocket …/participants/{id}/events`: the controller pushes `offer` and
/// `participants` frames; the client may send its `answer` frames here
/// instead of POSTing them. A bad frame gets an `error` frame back and the
/// socket stays open.
enum EventSocket {
    static let maximumFrame = 4 << 20

    static func add(to router: Router<SignalContext>, controller: Controller) {
        router.ws("/v1/rooms/:room/participants/:id/events") { _, context in
            guard let room = context.parameters.get("room"), let id = context.parameters.get("id"),
                  await controller.contains(room: room, participant: id) else {
                return .dontUpgrade
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let room = context.requestContext.parameters.get("room"),
                  let id = context.requestContext.parameters.get("id"),
                  let events = try? await controller.subscribe(room: room, participant: id) else { return }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in events { try await outbound.write(.text(encode(frame))) }
                    // The participant left: close the socket from our side.
                    try await outbound.close(.normalClosure, reason: "left")
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: maximumFrame) {
                        guard case .text(let text) = message else { continue }
                        if let failure = await handle(text, room: room, participant: id, controller: controller) {
                            try await outbound.write(.text(encode(.failure(failure))))
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// An `answer` frame; returns an error message for the client, if any.
    private static func handle(_ text: String, room: String, participant: String, controller: Controller) async -> String? {
        guard let frame = try? JSONDecoder().decode(EventFrame.self, from: Data(text.utf8)) else {
            return "not a JSON event frame"
        }
        guard frame.type == "answer", let sdp = frame.sdp, let revision = frame.revision else {
            return "expected {\"type\":\"answer\",\"sdp\":…,\"revision\":…}"
        }
        do {
            try await controller.answer(room: room, participant: participant, sdp: sdp, revision: revision)
            return nil
        } catch {
            return error.message
        }
    }

    static func encode(_ frame: EventFrame) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(frame)) ?? Data(), as: UTF8.self)
    }
}
