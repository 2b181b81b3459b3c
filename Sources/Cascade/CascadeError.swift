/// Why a cascade could not be planned. Each message says what to change.
public enum CascadeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A conference needs at least one bridge.
    case noBridges
    /// A bridge id that the topology does not declare.
    case unknownBridge(String, known: [String])
    /// No round-trip time is known for this pair.
    case missingLatency(String, String)
    /// A round-trip time that is negative, infinite or not a number.
    case invalidLatency(String, String, Double)
    /// With fewer than two links per bridge only two bridges can be joined.
    case fanoutTooSmall(maxFanout: Int, bridges: Int)

    public var description: String {
        switch self {
        case .noBridges:
            return "no bridges to plan a cascade for (give at least one bridge id)"
        case let .unknownBridge(id, known):
            let list = known.prefix(20).joined(separator: ", ")
            return "unknown bridge '\(id)' (the topology declares: \(list))"
        case let .missingLatency(a, b):
            return "no round-trip time known between '\(a)' and '\(b)' (declare both bridges in the topology)"
        case let .invalidLatency(a, b, ms):
            return "round-trip time \(ms) ms between '\(a)' and '\(b)' is not a finite, non-negative number"
        case let .fanoutTooSmall(maxFanout, bridges):
            return "max-fanout \(maxFanout) cannot join \(bridges) bridges in one tree (use max-fanout 2 or more)"
        }
    }
}
