import Cascade
import Control

/// The cascade command each bridge of one room must hold, from the room's
/// participants and its current plan (DESIGN §5, "set the conference's cascade
/// neighbours").
///
/// Every bridge of the plan gets every link of the plan (so all bridges agree
/// on the path toward each origin) and, as relayed endpoints, the
/// participants connected to the plan's other bridges with the SSRCs their
/// offers announce. Participants on a bridge outside the plan (down) are left
/// out: no link could bring their media. A bridge that still holds this
/// room's cascade state but is no longer in the plan gets an empty command,
/// so it drops its links and relayed endpoints. Pure; `Participant` values in.
enum CascadeCommands {
    /// - Parameters:
    ///   - plan: the room's plan over its bridges that are up, or `nil` when
    ///     the room lives on one bridge (or under `single`).
    ///   - holding: bridges that were sent a non-empty command for the room.
    static func make(room: String, participants: [Participant], plan: CascadeTree?,
                     holding: Set<String>) -> [String: ControlCommand.Cascade] {
        var commands: [String: ControlCommand.Cascade] = [:]
        if let plan, plan.bridges.count > 1 {
            let links = plan.edges.map { Control.CascadeEdge($0.a, $0.b) }
            for bridge in plan.bridges {
                let remote = participants
                    .filter { $0.bridge != bridge && plan.contains($0.bridge) }
                    .map { RemoteEndpoint(endpoint: $0.id, bridge: $0.bridge,
                                          audioSSRC: $0.announced.audio, videoSSRC: $0.announced.video) }
                commands[bridge] = .init(conference: room, links: links, remote: remote)
            }
        }
        for bridge in holding where commands[bridge] == nil {
            commands[bridge] = .init(conference: room, links: [], remote: [])
        }
        return commands
    }
}
