import Control
import Testing

/// The cascade frames of the control channel survive encoding and decoding
/// unchanged, and malformed ones are errors, never crashes.
struct CascadeCodecTests {
    @Test func aCascadeCommandRoundTrips() throws {
        let command = ControlCommand.cascade(.init(
            conference: "r",
            links: [CascadeEdge("iad-1", "fra-1"), CascadeEdge("fra-1", "sin-1")],
            remote: [RemoteEndpoint(endpoint: "bob", bridge: "iad-1", audioSSRC: 1, videoSSRC: UInt32.max)]))
        let text = ControlCodec.encode(.command(id: 42, command))
        #expect(try ControlCodec.decodeControllerMessage(text) == .command(id: 42, command))
        #expect(text.contains("\"type\":\"cascade\"") && text.contains("\"a\":\"fra-1\",\"b\":\"iad-1\""))
        let clearing = ControlCommand.cascade(.init(conference: "r", links: [], remote: []))
        #expect(try ControlCodec.decodeControllerMessage(ControlCodec.encode(.command(id: 1, clearing))) == .command(id: 1, clearing))
    }

    @Test func linkEventsRoundTripWithAndWithoutRTT() throws {
        for event in [LinkEvent(peer: "sin-1", state: .down), LinkEvent(peer: "iad-1", state: .up, rttMs: 87.5)] {
            #expect(try ControlCodec.decodeBridgeMessage(ControlCodec.encode(.link(event))) == .link(event))
        }
    }

    @Test func statsWithLinksAndPerConferenceCountersRoundTrip() throws {
        let stats = BridgeStats(stress: 0.25, endpoints: 3, conferences: 1, packetsIn: 10, packetsOut: 20,
                                links: [LinkStats(peer: "iad-1", up: true, rttMs: 88, packetsIn: 5, packetsOut: 6,
                                                  bytesIn: 500, bytesOut: 600),
                                        LinkStats(peer: "sin-1", up: false, rttMs: nil)],
                                cascade: [ConferenceLinkStats(conference: "r", peer: "iad-1", packetsIn: 1, packetsOut: 2,
                                                              bytesIn: 100, bytesOut: 200, streamsOut: 2)])
        #expect(try ControlCodec.decodeBridgeMessage(ControlCodec.encode(.stats(stats))) == .stats(stats))
    }

    @Test func malformedCascadeFramesAreErrors() {
        let frames = [
            #"{"v":1,"type":"link","body":{"peer":"x","state":"sideways"}}"#,
            #"{"v":1,"type":"link","body":{"state":"up"}}"#,
            #"{"v":1,"type":"cascade","id":3,"body":{"conference":"r","links":[{"a":"x"}],"remote":[]}}"#,
            #"{"v":1,"type":"cascade","body":{"conference":"r","links":[],"remote":[]}}"#,
        ]
        for frame in frames {
            #expect(throws: ControlCodecError.self) {
                if frame.contains("cascade") { _ = try ControlCodec.decodeControllerMessage(frame) }
                else { _ = try ControlCodec.decodeBridgeMessage(frame) }
            }
        }
    }

    @Test func aStatsFrameWithOneFieldOfTheWrongTypeIsAnError() throws {
        // Every field present: only the type of `stress` is wrong.
        let stats = BridgeStats(stress: 0.25, endpoints: 3)
        let complete = ControlCodec.encode(.stats(stats))
        #expect(try ControlCodec.decodeBridgeMessage(complete) == .stats(stats))
        let wrongType = complete.replacingOccurrences(of: #""stress":0.25"#, with: #""stress":"high""#)
        #expect(wrongType != complete && wrongType.contains(#""endpoints":3"#))
        #expect(throws: ControlCodecError.self) { _ = try ControlCodec.decodeBridgeMessage(wrongType) }
    }
}
