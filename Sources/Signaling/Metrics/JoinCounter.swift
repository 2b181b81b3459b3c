import Synchronization

/// Join outcomes counted by the client routes for `/metrics`: successful
/// joins by the rule that decided the region (`hint`, `address`,
/// `default`) and refused joins by HTTP status (401 and 403 show token
/// trouble, 503 a cluster without capacity). Counted where the answer is
/// made so the controller's own logic carries no metrics code.
///
/// Thread-safe (a `Mutex`), shared by every request task.
public final class JoinCounter: Sendable {
    private struct Counts {
        var joins: [String: UInt64] = [:]
        var refusals: [Int: UInt64] = [:]
    }

    private let counts = Mutex(Counts())

    public init() {}

    func joined(regionSource: String) {
        counts.withLock { $0.joins[regionSource, default: 0] += 1 }
    }

    func refused(status: Int) {
        counts.withLock { $0.refusals[status, default: 0] += 1 }
    }

    /// Joins by region source, every known source present.
    public var joins: [String: UInt64] {
        let joins = counts.withLock { $0.joins }
        let sources = Set(RegionResolver.Source.allCases.map(\.rawValue)).union(joins.keys)
        return Dictionary(uniqueKeysWithValues: sources.map { ($0, joins[$0] ?? 0) })
    }

    /// Refused joins by HTTP status.
    public var refusals: [Int: UInt64] { counts.withLock { $0.refusals } }
}
