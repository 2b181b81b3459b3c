import Control
import Testing
@testable import Relay

/// The `cascade` command's bookkeeping on one bridge: relayed endpoints
/// follow the remote list, and clearing the cascade leaves nothing behind.
@Suite("Cascade command")
struct CascadeCommandTests {
    static let room = "room"

    private func apply(_ engine: MediaEngine, links: [(String, String)], remote: [RemoteEndpoint]) -> String? {
        engine.apply(.cascade(.init(conference: Self.room, links: links.map { CascadeEdge($0.0, $0.1) }, remote: remote)),
                     now: .now)
    }

    @Test func relayedEndpointsFollowTheRemoteListAndClearingRemovesThem() throws {
        let cluster = try CascadeTestCluster(bridges: ["b1", "b2", "b3"])
        let b1 = cluster.engines["b1"]!
        let links = [("b1", "b2"), ("b2", "b3")]
        #expect(apply(b1, links: links, remote: [RemoteEndpoint(endpoint: "ana", bridge: "b2", audioSSRC: 1, videoSSRC: 2),
                                                 RemoteEndpoint(endpoint: "ben", bridge: "b3", audioSSRC: 3, videoSSRC: 4)]) == nil)
        var conference = try #require(b1.conferences[Self.room])
        #expect(conference.endpoints["ana"]?.origin == "b2" && conference.endpoints["ben"]?.origin == "b3")
        #expect(conference.producersByAnnouncedSSRC[4]?.endpoint.id == "ben")
        let ana = conference.endpoints["ana"]

        // ben moved to b2 and ana stays: ana is the same object, ben is new; a gone SSRC is unindexed.
        #expect(apply(b1, links: links, remote: [RemoteEndpoint(endpoint: "ana", bridge: "b2", audioSSRC: 1, videoSSRC: 2),
                                                 RemoteEndpoint(endpoint: "ben", bridge: "b2", audioSSRC: 5, videoSSRC: 6)]) == nil)
        conference = try #require(b1.conferences[Self.room])
        #expect(conference.endpoints["ana"] === ana)
        #expect(conference.endpoints["ben"]?.origin == "b2")
        #expect(conference.producersByAnnouncedSSRC[4] == nil && conference.producersByAnnouncedSSRC[6]?.endpoint.id == "ben")

        // Everyone left the other bridges: relayed endpoints go, the conference survives its empty moment.
        #expect(apply(b1, links: links, remote: []) == nil)
        #expect(b1.conferences[Self.room]?.endpoints.isEmpty == true)

        // Back on one bridge: nothing of the conference is left here.
        #expect(apply(b1, links: [], remote: []) == nil)
        #expect(b1.conferences[Self.room] == nil)
        #expect(b1.cascade!.links.values.allSatisfy { !$0.inUse }, "no link is pinged for a cleared conference")
    }

    @Test func aCommandNamingAnUnknownPeerOrThisBridgeIsRefused() throws {
        let cluster = try CascadeTestCluster(bridges: ["b1", "b2"])
        let b1 = cluster.engines["b1"]!
        #expect(apply(b1, links: [("b1", "zz")], remote: [])?.contains("unknown cascade peer 'zz'") == true)
        #expect(apply(b1, links: [("b1", "b2")], remote: [RemoteEndpoint(endpoint: "x", bridge: "b1", audioSSRC: 1,
                                                                          videoSSRC: 2)])?.contains("names this bridge") == true)
        #expect(b1.conferences[Self.room] == nil, "a refused command changes nothing")
    }
}
