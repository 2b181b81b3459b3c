@testable import Signaling
import Testing
import Topology

/// Which address is the client's: the peer unless it is a trusted proxy,
/// then the right-most `X-Forwarded-For` entry that is not one.
struct ForwardedClientTests {
    static let proxies = [try! CIDR.parse("10.0.0.0/24").get(), try! CIDR.parse("2001:db8:1::/64").get()]

    static func resolve(peer: String, _ headers: [String]) -> String? {
        ForwardedClient.address(peer: IPAddress(peer), forwardedFor: headers, trusted: proxies)?.description
    }

    @Test func anUntrustedPeerIsTheClientWhateverItForwards() {
        #expect(Self.resolve(peer: "198.51.100.9", ["192.0.2.7"]) == "198.51.100.9")
        #expect(Self.resolve(peer: "198.51.100.9", []) == "198.51.100.9")
    }

    @Test func aTrustedPeerIsSkippedForTheRightMostUntrustedEntry() {
        #expect(Self.resolve(peer: "10.0.0.2", ["192.0.2.7"]) == "192.0.2.7")
        // The client wrote the left-most entry itself; a second proxy appended the real one.
        #expect(Self.resolve(peer: "10.0.0.2", ["203.0.113.66, 192.0.2.7, 10.0.0.3"]) == "192.0.2.7")
        // Several header lines are one list, in order.
        #expect(Self.resolve(peer: "10.0.0.2", ["203.0.113.66", "192.0.2.7,10.0.0.3"]) == "192.0.2.7")
    }

    @Test func aChainOfOnlyProxiesEndsAtTheLeftMostOne() {
        #expect(Self.resolve(peer: "10.0.0.2", ["10.0.0.4, 10.0.0.3"]) == "10.0.0.4")
        #expect(Self.resolve(peer: "10.0.0.2", []) == "10.0.0.2")
    }

    @Test func aMalformedEntryStopsTheWalkAtTheLastGoodHop() {
        #expect(Self.resolve(peer: "10.0.0.2", ["192.0.2.7, bogus, 10.0.0.3"]) == "10.0.0.3")
        #expect(Self.resolve(peer: "10.0.0.2", ["unknown"]) == "10.0.0.2")
    }

    @Test func entriesWithPortsAndIPv6AreRead() {
        #expect(Self.resolve(peer: "10.0.0.2", ["192.0.2.7:5060"]) == "192.0.2.7")
        #expect(Self.resolve(peer: "2001:db8:1::5", ["[2001:db8:2::9]:443"]) == "2001:db8:2::9")
        #expect(Self.resolve(peer: "10.0.0.2", [" 2001:db8:2::9 "]) == "2001:db8:2::9")
    }

    @Test func anIPv4MappedPeerIsMatchedAsIPv4() {
        #expect(Self.resolve(peer: "::ffff:10.0.0.2", ["192.0.2.7"]) == "192.0.2.7")
        #expect(Self.resolve(peer: "::ffff:198.51.100.9", ["192.0.2.7"]) == "198.51.100.9")
    }
}
