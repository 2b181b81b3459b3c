/// One interest message: SSRCs `offset ..< offset + ssrcs.count` of an
/// interest set of `total` SSRCs. A set larger than one datagram holds
/// (a meeting of more than 128 participants behind one link) is sent as
/// consecutive chunks and applied once the last one arrives.
public struct InterestChunk: Sendable, Equatable {
    public var total: Int
    public var offset: Int
    public var ssrcs: [UInt32]

    public init(total: Int, offset: Int, ssrcs: [UInt32]) {
        self.total = total
        self.offset = offset
        self.ssrcs = ssrcs
    }

    /// Within the limits, inside the set, and not empty unless the set is.
    var isConsistent: Bool {
        total <= LinkMessage.maximumInterestTotal && ssrcs.count <= LinkMessage.maximumInterest && offset >= 0
            && offset + ssrcs.count <= total && (ssrcs.isEmpty == (total == 0)) && (total > 0 || offset == 0)
    }
}

/// Puts the chunks of one neighbour's interest set back together. Chunks of
/// a set are sent in order over one link; a chunk that does not continue the
/// set being assembled (one was lost, or a new set started) drops the partial
/// set: the sender repeats its whole interest every second, so the next full
/// set replaces it. Until a set is complete the previous one stays in force.
public struct InterestAssembly: Sendable, Equatable {
    private var total = 0
    private var next = 0
    private var collected: [UInt32] = []

    public init() {}

    /// The complete set when `chunk` finishes one, else nil.
    public mutating func add(_ chunk: InterestChunk) -> Set<UInt32>? {
        if chunk.offset == 0 {
            total = chunk.total
            collected = []
            next = 0
        } else if chunk.total != total || chunk.offset != next {
            collected = []
            next = -1   // nothing continues this until the next chunk at offset 0
            return nil
        }
        collected += chunk.ssrcs
        next = chunk.offset + chunk.ssrcs.count
        guard next == total else { return nil }
        defer { collected = [] }
        return Set(collected)
    }
}
