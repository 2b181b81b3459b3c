/// How one conference's streams move through its links, as seen from one
/// bridge: which neighbour a stream from a given origin must arrive from,
/// and which neighbours it may be passed on to.
///
/// Every bridge of the conference gets the same list of links from the
/// controller and derives the same routes: for each origin bridge, a
/// breadth-first search from the origin (neighbours visited in id order)
/// gives every bridge its next hop toward that origin. On a tree that is the
/// tree path; on a mesh it is the direct link, so a mesh origin sends to
/// everyone itself and nobody relays (Jitsi's Octo). Because all bridges
/// agree, a stream arriving on any other link than the one toward its origin
/// is a routing error and is dropped: no loops, whatever the links.
public struct CascadeRoutes: Sendable, Equatable {
    public let local: String
    /// This bridge's links, by neighbour id, sorted.
    public let neighbours: [String]
    /// Origin → the neighbour its streams arrive from (absent: this bridge, or unreachable).
    private let parents: [String: String]
    /// Origin → the neighbours this bridge passes its streams on to.
    private let childrenByOrigin: [String: [String]]

    public init(local: String, links: [(String, String)]) {
        var adjacency: [String: Set<String>] = [:]
        for (a, b) in links where a != b {
            adjacency[a, default: []].insert(b)
            adjacency[b, default: []].insert(a)
        }
        let sorted = adjacency.mapValues { $0.sorted() }
        self.local = local
        neighbours = sorted[local] ?? []
        // Only this bridge's view is kept: its parent toward each origin and
        // its children for each origin, so the packet path does one lookup.
        var parents: [String: String] = [:]
        var children: [String: [String]] = [:]
        for origin in sorted.keys {
            let toward = Self.nextHops(toward: origin, in: sorted)
            parents[origin] = toward[local]
            children[origin] = neighbours.filter { toward[$0] == local }
        }
        self.parents = parents
        childrenByOrigin = children
    }

    /// Every bridge's next hop toward `origin`: breadth-first from the
    /// origin, neighbours in id order, so every bridge computes the same.
    private static func nextHops(toward origin: String, in adjacency: [String: [String]]) -> [String: String] {
        var toward: [String: String] = [:]
        var queue = [origin]
        var visited: Set<String> = [origin]
        var head = 0
        while head < queue.count {
            let bridge = queue[head]
            head += 1
            for next in adjacency[bridge] ?? [] where visited.insert(next).inserted {
                toward[next] = bridge
                queue.append(next)
            }
        }
        return toward
    }

    /// The neighbour a stream from `origin` arrives from; nil when `origin`
    /// is this bridge or cannot be reached.
    public func parent(towardOrigin origin: String) -> String? {
        parents[origin]
    }

    /// The neighbours this bridge passes a stream from `origin` on to:
    /// those whose path toward `origin` goes through this bridge.
    public func children(forOrigin origin: String) -> [String] {
        childrenByOrigin[origin] ?? []
    }

    public func isChild(_ neighbour: String, forOrigin origin: String) -> Bool {
        children(forOrigin: origin).contains(neighbour)
    }

    /// What this bridge asks `neighbour` to send it: every stream whose
    /// origin lies behind `neighbour` and that a receiver on this bridge
    /// (`localWants`) or behind one of this bridge's children for that
    /// origin (`interestFrom`) wants. Interest thus travels toward the
    /// origin, and a stream enters a link only if someone behind it wants it.
    public func interest(toward neighbour: String, localWants: Set<UInt32>, interestFrom: [String: Set<UInt32>],
                         origins: [UInt32: String]) -> Set<UInt32> {
        var wanted: Set<UInt32> = []
        for (ssrc, origin) in origins where origin != local && parents[origin] == neighbour {
            if localWants.contains(ssrc)
                || children(forOrigin: origin).contains(where: { interestFrom[$0]?.contains(ssrc) == true }) {
                wanted.insert(ssrc)
            }
        }
        return wanted
    }
}
