/// The round-trip times among one conference's bridges, resolved once so the
/// planner works on a plain matrix and never looks anything up twice.
///
/// Bridges are sorted by id and addressed by that index, which is what makes
/// every plan independent of the order the caller listed the bridges in.
/// The table is symmetric by construction: only `rtt(a, b)` with `a < b` is
/// asked, and mirrored.
public struct LatencyTable: Sendable, Equatable {
    /// The conference's bridge ids, sorted, unique.
    public let ids: [String]
    /// Row-major `n × n` milliseconds; the diagonal is 0.
    let ms: [Double]
    let sources: [LatencySource]
    private let index: [String: Int]

    public var count: Int { ids.count }

    /// Resolves every pair with `rtt`. Throws `missingLatency` when `rtt`
    /// returns `nil` and `invalidLatency` for a negative, infinite or NaN figure.
    public init(bridges: some Sequence<String>,
                rtt: (String, String) -> BridgeRTT?) throws(CascadeError) {
        let ids = Set(bridges).sorted()
        let n = ids.count
        var ms = [Double](repeating: 0, count: n * n)
        var sources = [LatencySource](repeating: .estimated, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                guard let figure = rtt(ids[i], ids[j]) else { throw .missingLatency(ids[i], ids[j]) }
                guard figure.ms.isFinite, figure.ms >= 0 else { throw .invalidLatency(ids[i], ids[j], figure.ms) }
                ms[i * n + j] = figure.ms
                ms[j * n + i] = figure.ms
                sources[i * n + j] = figure.source
                sources[j * n + i] = figure.source
            }
        }
        self.ids = ids
        self.ms = ms
        self.sources = sources
        self.index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    }


    /// Direct RTT between two of the table's bridges.
    public func rtt(_ a: String, _ b: String) -> BridgeRTT? {
        guard let i = index[a], let j = index[b] else { return nil }
        return BridgeRTT(ms: ms[i * count + j], source: sources[i * count + j])
    }

    subscript(i: Int, j: Int) -> Double { ms[i * count + j] }

    func source(_ i: Int, _ j: Int) -> LatencySource { sources[i * count + j] }
}
