import Cascade
import Testing

/// Per-origin next hops over a conference's links, and interest travelling
/// toward the origin.
@Suite struct CascadeRoutesTests {
    private let chain = [("a", "b"), ("b", "c"), ("c", "d")]

    private func routes(_ links: [(String, String)]) -> [String: CascadeRoutes] {
        let bridges = Set(links.flatMap { [$0.0, $0.1] })
        return Dictionary(uniqueKeysWithValues: bridges.map { ($0, CascadeRoutes(local: $0, links: links)) })
    }

    // MARK: Topologies

    @Test func chainParentsAndChildrenFromEveryBridge() {
        let views = routes(chain)
        // view → origin → parent
        let parents: [String: [String: String?]] = [
            "a": ["a": nil, "b": "b", "c": "b", "d": "b"],
            "b": ["a": "a", "b": nil, "c": "c", "d": "c"],
            "c": ["a": "b", "b": "b", "c": nil, "d": "d"],
            "d": ["a": "c", "b": "c", "c": "c", "d": nil],
        ]
        // view → origin → children
        let children: [String: [String: [String]]] = [
            "a": ["a": ["b"], "b": [], "c": [], "d": []],
            "b": ["a": ["c"], "b": ["a", "c"], "c": ["a"], "d": ["a"]],
            "c": ["a": ["d"], "b": ["d"], "c": ["b", "d"], "d": ["b"]],
            "d": ["a": [], "b": [], "c": [], "d": ["c"]],
        ]
        for (bridge, view) in views {
            for origin in ["a", "b", "c", "d"] {
                #expect(view.parent(towardOrigin: origin) == parents[bridge]![origin]!, "\(bridge) toward \(origin)")
                #expect(view.children(forOrigin: origin) == children[bridge]![origin]!, "\(bridge) for \(origin)")
            }
        }
        #expect(views["a"]!.neighbours == ["b"])
        #expect(views["b"]!.neighbours == ["a", "c"])
        #expect(views["c"]!.neighbours == ["b", "d"])
        #expect(views["d"]!.neighbours == ["c"])
    }

    @Test func starRelaysThroughTheHub() {
        let views = routes([("h", "x"), ("h", "y"), ("h", "z")])
        let hub = views["h"]!
        #expect(hub.neighbours == ["x", "y", "z"])
        #expect(hub.children(forOrigin: "h") == ["x", "y", "z"])
        #expect(hub.children(forOrigin: "x") == ["y", "z"])
        #expect(hub.children(forOrigin: "z") == ["x", "y"])
        #expect(hub.parent(towardOrigin: "y") == "y")
        let leaf = views["x"]!
        #expect(leaf.neighbours == ["h"])
        #expect(leaf.children(forOrigin: "x") == ["h"])
        for origin in ["h", "y", "z"] {
            #expect(leaf.parent(towardOrigin: origin) == "h")
            #expect(leaf.children(forOrigin: origin).isEmpty)
        }
    }

    @Test func meshOriginSendsToEveryoneAndNobodyRelays() {
        let ids = ["a", "b", "c", "d"]
        var links: [(String, String)] = []
        for i in ids.indices { for j in ids.indices where i < j { links.append((ids[i], ids[j])) } }
        for (bridge, view) in routes(links) {
            #expect(view.children(forOrigin: bridge) == ids.filter { $0 != bridge })
            #expect(view.parent(towardOrigin: bridge) == nil)
            for origin in ids where origin != bridge {
                #expect(view.parent(towardOrigin: origin) == origin)
                #expect(view.children(forOrigin: origin).isEmpty, "\(bridge) relays \(origin)'s streams")
            }
        }
    }

    @Test func linkOrderDoesNotChangeRoutes() {
        // A ring with a chord: several shortest paths, so ties matter.
        let links = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "a"), ("b", "e"), ("c", "f")]
        var rng = SeededGenerator(seed: 0x0E7D)
        for bridge in ["a", "b", "c", "d", "e", "f"] {
            let reference = CascadeRoutes(local: bridge, links: links)
            for _ in 0..<20 {
                let shuffled = links.shuffled(using: &rng).map { Bool.random(using: &rng) ? ($0.1, $0.0) : $0 }
                #expect(CascadeRoutes(local: bridge, links: shuffled) == reference)
            }
        }
    }

    @Test func bridgeOutsideTheLinksHasNoRoutes() {
        let outsider = CascadeRoutes(local: "z", links: chain)
        #expect(outsider.neighbours.isEmpty)
        for origin in ["a", "b", "c", "d", "z"] {
            #expect(outsider.parent(towardOrigin: origin) == nil)
            #expect(outsider.children(forOrigin: origin).isEmpty)
        }
        // Nor does anyone route through it or toward it.
        let b = CascadeRoutes(local: "b", links: chain)
        #expect(b.parent(towardOrigin: "z") == nil)
        #expect(b.children(forOrigin: "z").isEmpty)
        #expect(!b.isChild("z", forOrigin: "a"))
    }

    @Test func selfLinksAreIgnored() {
        let withLoops = chain + [("b", "b"), ("a", "a")]
        for bridge in ["a", "b", "c", "d"] {
            #expect(CascadeRoutes(local: bridge, links: withLoops) == CascadeRoutes(local: bridge, links: chain))
        }
        let b = CascadeRoutes(local: "b", links: withLoops)
        #expect(b.neighbours == ["a", "c"])
        #expect(b.children(forOrigin: "b") == ["a", "c"])
        let alone = CascadeRoutes(local: "a", links: [("a", "a")])
        #expect(alone.neighbours.isEmpty)
        #expect(alone.children(forOrigin: "a").isEmpty)
    }

    @Test func duplicateLinksCountOnce() {
        let b = CascadeRoutes(local: "b", links: chain + [("b", "a"), ("a", "b")])
        #expect(b == CascadeRoutes(local: "b", links: chain))
    }

    /// On random connected graphs every bridge agrees with its neighbours:
    /// `n` is my child for `o` exactly when I am `n`'s parent toward `o`, and
    /// following parents from anywhere reaches the origin without a loop.
    @Test func randomGraphsGiveConsistentLoopFreeRoutes() {
        var rng = SeededGenerator(seed: 0x20_7E5)
        for _ in 0..<30 {
            let n = Int.random(in: 2...12, using: &rng)
            let ids = (0..<n).map { "b\($0)" }.shuffled(using: &rng)
            var links: [(String, String)] = []
            for k in 1..<n { links.append((ids[k], ids[Int.random(in: 0..<k, using: &rng)])) }
            for _ in 0..<Int.random(in: 0...n, using: &rng) {
                links.append((ids.randomElement(using: &rng)!, ids.randomElement(using: &rng)!))
            }
            let views = routes(links)
            for origin in ids {
                for (bridge, view) in views {
                    for neighbour in view.neighbours {
                        let child = views[neighbour]!.parent(towardOrigin: origin) == bridge
                        #expect(view.isChild(neighbour, forOrigin: origin) == child)
                        #expect(view.children(forOrigin: origin).contains(neighbour) == child)
                    }
                    var at = bridge
                    var steps = 0
                    while let next = views[at]!.parent(towardOrigin: origin) {
                        #expect(views[at]!.neighbours.contains(next))
                        at = next
                        steps += 1
                        if steps > n { break }
                    }
                    #expect(at == origin, "\(bridge) toward \(origin) in \(links)")
                }
            }
        }
    }

    // MARK: Interest

    private let origins: [UInt32: String] = [0xA1: "a", 0xA2: "a", 0xC1: "c"]

    @Test func interestOnAChainTravelsTowardTheOrigin() {
        let views = routes([("a", "b"), ("b", "c")])
        let (b, c) = (views["b"]!, views["c"]!)
        // c has a receiver for a's stream 0xA1: c asks b.
        let fromC = c.interest(toward: "b", localWants: [0xA1], interestFrom: [:], origins: origins)
        #expect(fromC == [0xA1])
        // b has no receivers of its own; it asks a on c's behalf.
        #expect(b.interest(toward: "a", localWants: [], interestFrom: ["c": fromC], origins: origins) == [0xA1])
        // b asks c for nothing: 0xA1 does not come from there.
        #expect(b.interest(toward: "c", localWants: [], interestFrom: ["c": fromC], origins: origins).isEmpty)
    }

    @Test func interestIsPrunedWhenTheReceiversLeave() {
        let views = routes([("a", "b"), ("b", "c")])
        let (b, c) = (views["b"]!, views["c"]!)
        let before = b.interest(toward: "a", localWants: [0xA2],
                                interestFrom: ["c": c.interest(toward: "b", localWants: [0xA1], interestFrom: [:],
                                                               origins: origins)],
                                origins: origins)
        #expect(before == [0xA1, 0xA2])
        let fromC = c.interest(toward: "b", localWants: [], interestFrom: [:], origins: origins)
        #expect(fromC.isEmpty)
        let after = b.interest(toward: "a", localWants: [0xA2], interestFrom: ["c": fromC], origins: origins)
        #expect(after == [0xA2])
        #expect(b.interest(toward: "a", localWants: [], interestFrom: ["c": fromC], origins: origins).isEmpty)
    }

    @Test func interestIsNeverSentAwayFromTheOrigin() {
        let views = routes(chain)
        let b = views["b"]!
        let origins: [UInt32: String] = [1: "a", 2: "b", 3: "c", 4: "d", 5: "elsewhere"]
        let all: Set<UInt32> = [1, 2, 3, 4, 5]
        let everything: [String: Set<UInt32>] = ["a": all, "c": all]
        // Toward a: only a's stream. Toward c: the streams of c and d. Own and unknown origins: never.
        #expect(b.interest(toward: "a", localWants: all, interestFrom: everything, origins: origins) == [1])
        #expect(b.interest(toward: "c", localWants: all, interestFrom: everything, origins: origins) == [3, 4])
        #expect(b.interest(toward: "d", localWants: all, interestFrom: everything, origins: origins).isEmpty)
        // A neighbour's interest counts only if it is a child for that origin:
        // a asking b for a's own stream does not make b ask a for it.
        #expect(b.interest(toward: "a", localWants: [], interestFrom: ["a": all], origins: origins).isEmpty)
        // c's interest in d's stream (which c itself relays to b) is not forwarded toward d.
        #expect(b.interest(toward: "c", localWants: [], interestFrom: ["c": all], origins: origins).isEmpty)
        #expect(b.interest(toward: "c", localWants: [], interestFrom: ["a": all], origins: origins) == [3, 4])
    }

    @Test func meshInterestGoesStraightToTheOrigin() {
        let ids = ["a", "b", "c", "d"]
        var links: [(String, String)] = []
        for i in ids.indices { for j in ids.indices where i < j { links.append((ids[i], ids[j])) } }
        let d = CascadeRoutes(local: "d", links: links)
        let origins: [UInt32: String] = [1: "a", 2: "b", 3: "c"]
        let others: [String: Set<UInt32>] = ["a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2, 3]]
        #expect(d.interest(toward: "a", localWants: [1, 2, 3], interestFrom: others, origins: origins) == [1])
        #expect(d.interest(toward: "b", localWants: [1, 2, 3], interestFrom: others, origins: origins) == [2])
        #expect(d.interest(toward: "c", localWants: [3], interestFrom: others, origins: origins) == [3])
        // Other bridges' interest never makes d relay: d asks for nothing it does not want itself.
        #expect(d.interest(toward: "a", localWants: [], interestFrom: others, origins: origins).isEmpty)
    }
}
