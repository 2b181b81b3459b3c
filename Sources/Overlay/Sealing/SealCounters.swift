/// What a `SealRegistry` has done since it started, for metrics.
///
/// Plain integers, one per `SealDropReason`, so counting on the packet path is
/// one add: no array, hence no copy-on-write allocation even while a metrics
/// reader holds an earlier copy. Read it with `registry.counters` (a copy) and
/// export e.g. as `meridian_seal_dropped_total{reason="replayed"}`, using
/// `SealDropReason.description` as the label.
///
/// Concurrency: a value; the registry's copy is mutated only by the thread
/// that owns the registry.
public struct SealCounters: Sendable, Equatable {
    private var truncated: UInt64 = 0
    private var malformed: UInt64 = 0
    private var unknownSender: UInt64 = 0
    private var unknownKey: UInt64 = 0
    private var retiredKey: UInt64 = 0
    private var authenticationFailed: UInt64 = 0
    private var replayed: UInt64 = 0
    private var tooOld: UInt64 = 0
    private var replayedHandshake: UInt64 = 0
    private var unexpectedHandshake: UInt64 = 0
    private var weakEphemeralKey: UInt64 = 0
    /// Datagrams sealed (data and confirm).
    public internal(set) var sealed: UInt64 = 0
    /// Sealed datagrams that authenticated and were accepted (data and confirm).
    public internal(set) var opened: UInt64 = 0
    /// Handshakes that produced a session on this side (as initiator or responder).
    public internal(set) var handshakesCompleted: UInt64 = 0
    /// Hellos sent, first attempts and retries.
    public internal(set) var hellosSent: UInt64 = 0

    public init() {}

    public subscript(reason: SealDropReason) -> UInt64 {
        switch reason {
        case .truncated: truncated
        case .malformed: malformed
        case .unknownSender: unknownSender
        case .unknownKey: unknownKey
        case .retiredKey: retiredKey
        case .authenticationFailed: authenticationFailed
        case .replayed: replayed
        case .tooOld: tooOld
        case .replayedHandshake: replayedHandshake
        case .unexpectedHandshake: unexpectedHandshake
        case .weakEphemeralKey: weakEphemeralKey
        }
    }

    /// All drops, whatever the reason.
    public var dropped: UInt64 {
        SealDropReason.allCases.reduce(0) { $0 &+ self[$1] }
    }

    mutating func count(_ reason: SealDropReason) {
        switch reason {
        case .truncated: truncated &+= 1
        case .malformed: malformed &+= 1
        case .unknownSender: unknownSender &+= 1
        case .unknownKey: unknownKey &+= 1
        case .retiredKey: retiredKey &+= 1
        case .authenticationFailed: authenticationFailed &+= 1
        case .replayed: replayed &+= 1
        case .tooOld: tooOld &+= 1
        case .replayedHandshake: replayedHandshake &+= 1
        case .unexpectedHandshake: unexpectedHandshake &+= 1
        case .weakEphemeralKey: weakEphemeralKey &+= 1
        }
    }
}
