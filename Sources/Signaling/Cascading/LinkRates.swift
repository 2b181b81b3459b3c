import Control

/// What one room's media costs on one cascade link, per direction, from the
/// bridges' stats reports (`cascade`: per conference and link counters).
///
/// Counters only mean something as differences, so a rate needs a bridge's
/// two latest reports: a→b is the change of `a`'s `packetsOut`/`bytesOut`
/// toward `b` over the time between them. When `a` has no such figure yet,
/// `b`'s `packetsIn`/`bytesIn` from `a` stand in (the same packets, counted at
/// the other end). A counter that went backwards (the bridge restarted) gives
/// no rate rather than a negative one. Pure.
enum LinkRates {
    typealias Samples = (previous: StatsSample?, latest: StatsSample?)

    static func rate(room: String, from a: String, to b: String, samples: [String: Samples]) -> RoomInfo.Rate {
        if let sent = change(samples[a], room: room, peer: b, packets: \.packetsOut, bytes: \.bytesOut) { return sent }
        if let received = change(samples[b], room: room, peer: a, packets: \.packetsIn, bytes: \.bytesIn) {
            return received
        }
        return .zero
    }

    private static func change(_ samples: Samples?, room: String, peer: String,
                               packets: KeyPath<ConferenceLinkStats, UInt64>,
                               bytes: KeyPath<ConferenceLinkStats, UInt64>) -> RoomInfo.Rate? {
        guard let previous = samples?.previous, let latest = samples?.latest else { return nil }
        let interval = latest.at - previous.at
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
        guard seconds > 0,
              let now = latest.stats.cascade.first(where: { $0.conference == room && $0.peer == peer }) else {
            return nil
        }
        // No entry in the earlier report: the link started carrying this room
        // in between, from zero.
        let before = previous.stats.cascade.first { $0.conference == room && $0.peer == peer }
        let packets0 = before?[keyPath: packets] ?? 0, bytes0 = before?[keyPath: bytes] ?? 0
        guard now[keyPath: packets] >= packets0, now[keyPath: bytes] >= bytes0 else { return nil }
        return RoomInfo.Rate(packetsPerSecond: Double(now[keyPath: packets] - packets0) / seconds,
                             bitsPerSecond: Double(now[keyPath: bytes] - bytes0) * 8 / seconds)
    }
}
