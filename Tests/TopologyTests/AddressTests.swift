import Testing
@testable import Topology

struct AddressTests {
    @Test(arguments: [
        ("127.0.0.1:10000", "127.0.0.1:10000"),
        ("[2001:db8::1]:443", "[2001:db8::1]:443"),
        ("[::1]:1", "[::1]:1"),
        ("0.0.0.0:65535", "0.0.0.0:65535"),
    ])
    func validSocketAddressesRoundTrip(_ text: String, _ printed: String) throws {
        let address = try SocketAddress.parse(text).get()
        #expect(address.description == printed)
    }

    @Test(arguments: [
        ("127.0.0.1", SocketAddress.ParseError.missingPort),
        ("127.0.0.1:0", .badPort("0")),
        ("127.0.0.1:+80", .badPort("+80")),
        ("127.0.0.1:99999", .badPort("99999")),
        ("localhost:80", .badHost("localhost")),
        ("2001:db8::1:80", .ipv6WithoutBrackets),
        ("[127.0.0.1]:80", .badHost("127.0.0.1")),
        ("[::1]80", .missingPort),
        ("1.2.3:80", .badHost("1.2.3")),
    ])
    func malformedSocketAddressesSayWhy(_ text: String, _ expected: SocketAddress.ParseError) {
        #expect(SocketAddress.parse(text) == .failure(expected))
    }

    @Test func cidrContainmentAndOverlap() throws {
        let net = try CIDR.parse("10.77.0.0/16").get()
        #expect(net.contains(IPAddress("10.77.255.1")!))
        #expect(!net.contains(IPAddress("10.78.0.1")!))
        #expect(!net.contains(IPAddress("::1")!))
        #expect(net.overlaps(try CIDR.parse("10.77.3.0/24").get()))
        #expect(net.overlaps(try CIDR.parse("10.0.0.0/8").get()))
        #expect(!net.overlaps(try CIDR.parse("10.76.0.0/16").get()))
        let v6 = try CIDR.parse("2001:db8::/33").get()
        #expect(v6.contains(IPAddress("2001:db8:7fff::1")!))
        #expect(!v6.contains(IPAddress("2001:db8:8000::1")!))
        #expect(CIDR.parse("10.77.0.1/16") == .failure(.hostBitsSet(suggestion: "10.77.0.0/16")))
        #expect(CIDR.parse("10.0.0.0") == .failure(.missingLength))
        #expect(try CIDR.parse("0.0.0.0/0").get().contains(IPAddress("203.0.113.9")!))
    }

    @Test func publicKeysMustBe32BytesOfBase64() {
        #expect(PublicKey(base64: String(repeating: "A", count: 43) + "=") != nil)
        #expect(PublicKey(base64: "AAAA") == nil)
        #expect(PublicKey(base64: "!!!") == nil)
    }

    @Test func suggestionsFindTyposButNotUnrelatedWords() {
        #expect(Suggestions.closest(to: "regoin", in: ["region", "media"]) == "region")
        #expect(Suggestions.closest(to: "bridgs", in: ["bridges", "regions"]) == "bridges")
        #expect(Suggestions.closest(to: "colour", in: ["region", "media", "overlay"]) == nil)
    }
}
