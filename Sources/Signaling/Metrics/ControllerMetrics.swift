/// The controller's `/metrics` (issue 6): rooms and participants from its
/// own state, the bridges as their control channel and last stats reports
/// show them (state, stress, endpoints, cascade links), join outcomes, and
/// bridge selection decisions by rule (`Controller.selectionCounts`).
/// Everything is read when scraped (see `MetricsSheet` for why).
/// `Sendable`: references to actors and a thread-safe counter.
public struct ControllerMetrics: Sendable {
    let controller: Controller
    let joins: JoinCounter

    public init(controller: Controller, joins: JoinCounter) {
        self.controller = controller
        self.joins = joins
    }

    public enum Family {
        public static let rooms = MetricFamily("meridian_controller_rooms", .gauge, "Rooms with at least one participant.")
        public static let participants = MetricFamily("meridian_controller_participants", .gauge,
            "Participants, by the region they were placed in.", labels: ["region"])
        public static let bridges = MetricFamily("meridian_controller_bridges", .gauge,
            "Bridges of the topology by state (up, draining, down).", labels: ["state"])
        public static let bridgeState = MetricFamily("meridian_controller_bridge_state", .gauge,
            "1 for the bridge's current state, 0 for the others.", labels: ["bridge", "region", "state"])
        public static let bridgeStress = MetricFamily("meridian_controller_bridge_stress", .gauge,
            "Stress in the bridge's last stats report, 0 to 1.", labels: ["bridge", "region"])
        public static let bridgeEndpoints = MetricFamily("meridian_controller_bridge_endpoints", .gauge,
            "Endpoints in the bridge's last stats report.", labels: ["bridge", "region"])
        public static let bridgeParticipants = MetricFamily("meridian_controller_bridge_participants", .gauge,
            "Participants the controller has placed on the bridge.", labels: ["bridge", "region"])
        public static let linkUp = MetricFamily("meridian_controller_link_up", .gauge,
            "Cascade link state as the bridge last reported it.", labels: ["bridge", "peer"])
        public static let linkRTT = MetricFamily("meridian_controller_link_rtt_seconds", .gauge,
            "Round trip of the cascade link as the bridge last reported it.", labels: ["bridge", "peer"])
        public static let joinsTotal = MetricFamily("meridian_controller_joins_total", .counter,
            "Successful joins by the rule that decided the region (hint, address, default).",
            labels: ["region_source"])
        public static let refusals = MetricFamily("meridian_controller_join_refusals_total", .counter,
            "Refused joins by HTTP status (401/403: tokens, 503: no bridge could take one).", labels: ["status"])
        public static let selections = MetricFamily("meridian_controller_selections_total", .counter,
            "Bridge selection decisions by the rule that chose the bridge.", labels: ["rule"])
    }

    public static let states = ["up", "draining", "down"]

    /// Adds the controller's series to `sheet`.
    public func record(into sheet: MetricsSheet) async {
        let occupancy = await controller.occupancy()
        sheet.set(Family.rooms, to: Double(occupancy.rooms))
        for (region, count) in occupancy.participantsByRegion {
            sheet.set(Family.participants, [region], to: Double(count))
        }
        let infos = await controller.registry.infos()
        for state in Self.states {
            sheet.set(Family.bridges, [state], to: Double(infos.filter { $0.state == state }.count))
        }
        for info in infos {
            for state in Self.states {
                sheet.set(Family.bridgeState, [info.id, info.region, state], to: info.state == state ? 1 : 0)
            }
            sheet.set(Family.bridgeStress, [info.id, info.region], to: info.stress)
            sheet.set(Family.bridgeEndpoints, [info.id, info.region], to: Double(info.endpoints))
            sheet.set(Family.bridgeParticipants, [info.id, info.region],
                      to: Double(occupancy.participantsByBridge[info.id] ?? 0))
            for link in info.links {
                sheet.set(Family.linkUp, [info.id, link.peer], to: link.up ? 1 : 0)
                if let rtt = link.rttMs { sheet.set(Family.linkRTT, [info.id, link.peer], to: rtt / 1000) }
            }
        }
        for (source, count) in joins.joins { sheet.count(Family.joinsTotal, [source], count) }
        for (status, count) in joins.refusals { sheet.count(Family.refusals, [String(status)], count) }
        for (rule, count) in await controller.selectionCounts() {
            sheet.count(Family.selections, [rule], UInt64(max(0, count)))
        }
    }
}
