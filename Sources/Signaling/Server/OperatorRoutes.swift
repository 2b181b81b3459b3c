import Control
import HTTPTypes
import Hummingbird

/// Operator routes on the controller (issue 6, "Draining"):
///
/// - `POST /v1/bridges/{id}/drain`: the bridge takes no new participants;
///   the ones on it stay (`meridian bridge drain ID`).
/// - `DELETE /v1/bridges/{id}/drain`: it takes participants again
///   (`meridian bridge drain ID --undo`).
///
/// Answers `204`, or `{"error"}` with `404` (no such bridge in the
/// topology), `401` (missing or wrong secret) or `409` (undraining a bridge
/// the topology drains, or one removed from it that is still connected).
/// Authenticated with the bridge's own control secret
/// in `X-Meridian-Bridge-Secret`: whoever may run the bridge may drain it,
/// and the controller can check that from the cluster secret alone, so no
/// operator credential store is needed. Served beside the control channel
/// (`signaling.control`), which an operator may keep off the public
/// interface. The bridge ids are public
/// (`GET /v1/bridges`), so `404` before `401` reveals nothing.
enum OperatorRoutes {
    static func add(to router: Router<SignalContext>, controller: Controller, clusterSecret: [UInt8]) {
        router.post("/v1/bridges/:id/drain") { request, context in
            await drain(true, request: request, context: context, controller: controller, clusterSecret: clusterSecret)
        }
        router.delete("/v1/bridges/:id/drain") { request, context in
            await drain(false, request: request, context: context, controller: controller, clusterSecret: clusterSecret)
        }
    }

    private static func drain(_ draining: Bool, request: Request, context: SignalContext, controller: Controller,
                              clusterSecret: [UInt8]) async -> Response {
        guard let id = context.parameters.get("id"), await controller.registry.bridge(id) != nil else {
            return JSONResponse.error(.notFound("no bridge '\(context.parameters.get("id") ?? "")' in the topology"))
        }
        guard let secret = request.headers[ControlEndpoint.secretHeader],
              BridgeSecret.matches(secret, BridgeSecret.derive(clusterSecret: clusterSecret, bridge: id)) else {
            return JSONResponse.error(.unauthorized("\(ControlProtocol.secretHeader) must hold the control secret of bridge \(id)"))
        }
        switch await controller.setDraining(id, draining) {
        case .applied: return Response(status: .noContent)
        case .unknownBridge: return JSONResponse.error(.notFound("no bridge '\(id)' in the topology"))
        case .drainedByTopology:
            return JSONResponse.error(.conflict("bridge \(id) has drain: true in the topology; edit the topology to undrain it"))
        case .removedFromTopology:
            return JSONResponse.error(.conflict("bridge \(id) was removed from the topology and drains until it "
                                                + "disconnects; add it back to the topology to undrain it"))
        }
    }
}
