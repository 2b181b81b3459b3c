import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Topology

/// The client API routes of DESIGN §4 on a Hummingbird router. A join is
/// checked against `verifier` (room tokens, `signaling.auth`) before the
/// controller is asked; its outcome is counted in `joins` for `/metrics`.
enum ClientRoutes {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func add(to router: Router<SignalContext>, controller: Controller,
                    verifier: RoomTokenVerifier? = nil, joins: JoinCounter = JoinCounter()) {
        router.get("/health") { _, _ in
            JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/v1/bridges") { _, _ in
            JSONResponse.make(.ok, await controller.registry.infos())
        }
        router.post("/v1/rooms/:room/participants") { request, context in
            await respond(.created) { () throws(APIError) in
                do throws(APIError) {
                    let room = try context.parameters.require("room")
                    var body = try await JSONResponse.decode(JoinRequest.self, from: request)
                    // The token's name, when it has one, is vouched for by its issuer.
                    if let name = try await verifier?.authorize(body.token, room: room)?.name { body.name = name }
                    let joined = try await controller.join(room: room, request: body, peer: peerIP(context),
                                                           forwardedFor: request.headers[values: forwardedFor])
                    joins.joined(regionSource: joined.regionSource)
                    return joined
                } catch {
                    joins.refused(status: error.status)
                    throw error
                }
            }
        }
        router.post("/v1/rooms/:room/participants/:id/answer") { request, context in
            await respondEmpty { () throws(APIError) in
                let body = try await JSONResponse.decode(AnswerRequest.self, from: request)
                try await controller.answer(room: try context.parameters.require("room"),
                                            participant: try context.parameters.require("id"),
                                            sdp: body.sdp, revision: body.revision)
            }
        }
        router.delete("/v1/rooms/:room/participants/:id") { _, context in
            await respondEmpty { () throws(APIError) in
                try await controller.leave(room: try context.parameters.require("room"),
                                           participant: try context.parameters.require("id"))
            }
        }
        router.get("/v1/rooms/:room") { _, context in
            await respond(.ok) { () throws(APIError) in
                try await controller.roomInfo(try context.parameters.require("room"))
            }
        }
        EventSocket.add(to: router, controller: controller)
    }

    private static func respond<T: Encodable>(_ status: HTTPResponse.Status,
                                              _ body: () async throws(APIError) -> T) async -> Response {
        do { return JSONResponse.make(status, try await body()) } catch { return JSONResponse.error(error) }
    }

    private static func respondEmpty(_ body: () async throws(APIError) -> Void) async -> Response {
        do {
            try await body()
            return Response(status: .noContent)
        } catch {
            return JSONResponse.error(error)
        }
    }

    /// The TCP peer's address (see `ForwardedClient` for the client's).
    static func peerIP(_ context: SignalContext) -> IPAddress? {
        context.remoteAddress?.ipAddress.flatMap { IPAddress($0) }
    }
}

extension Parameters {
    func require(_ name: String) throws(APIError) -> String {
        guard let value = self.get(name) else { throw .badRequest("missing \(name)") }
        return value
    }
}
