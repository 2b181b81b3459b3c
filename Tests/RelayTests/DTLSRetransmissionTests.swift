@testable import Relay
import Testing

/// Lost flights come back through `nextTimeout` / `handleTimeout`, driven by
/// real OpenSSL timers (these tests sleep for real: about 0.5–2 s each).
@Suite("DTLS retransmission")
struct DTLSRetransmissionTests {
    @Test func lostClientHelloIsResentAfterTheInitialTimeoutAndTheHandshakeCompletes() async throws {
        let link = try DTLSLoopback()
        var clientDatagrams = 0
        link.shouldDeliver = { from, _ in
            guard from == .client else { return true }
            clientDatagrams += 1
            return clientDatagrams > 1  // the first flight is lost
        }
        let before = ContinuousClock.now
        link.start()
        link.pump()
        #expect(link.server.state == .new, "the server never saw the ClientHello")
        let deadline = try #require(link.client.nextTimeout)
        // DTLSConfiguration's default initial timeout is 500 ms.
        #expect(deadline - before > .milliseconds(400) && deadline - before <= .milliseconds(520),
                "first timeout after \(deadline - before)")
        #expect(link.client.handleTimeout().isEmpty, "not expired yet: nothing resent")
        #expect(link.client.statistics.retransmissions == 0)

        try await link.run(maximumTimeouts: 3)
        #expect(link.client.statistics.retransmissions == 1)
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")
    }

    @Test func lostServerFlightIsRecoveredByTheClientTimerAndTheTimeoutDoubles() async throws {
        let fast = DTLSConfiguration(initialRetransmissionTimeout: .milliseconds(100))
        let link = try DTLSLoopback(client: fast, server: fast)
        var serverFlights = 0
        link.shouldDeliver = { from, _ in
            guard from == .server else { return true }
            serverFlights += 1
            return serverFlights > 2  // the server's first flight and its first resend are lost
        }
        link.start()
        link.pump()
        let firstWait = try #require(link.client.nextTimeout) - .now
        #expect(try await link.fireTimers())
        let resent = ContinuousClock.now
        link.pump()
        let secondWait = try #require(link.client.nextTimeout) - resent
        // 100 ms, then 200 ms once the flight has been resent.
        // (Lower bounds leave room for a loaded machine; a wait above 100 ms
        // after the first expiry can only come from the doubled timer.)
        #expect(firstWait > .zero && firstWait <= .milliseconds(100), "first wait \(firstWait)")
        #expect(secondWait > .milliseconds(120) && secondWait <= .milliseconds(200), "second wait \(secondWait)")

        try await link.run(maximumTimeouts: 4)
        #expect(link.client.statistics.retransmissions >= 2)
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")
    }

    @Test func lostFinalServerFlightIsResentWhenTheClientRetransmits() async throws {
        let fast = DTLSConfiguration(initialRetransmissionTimeout: .milliseconds(100))
        let link = try DTLSLoopback(client: fast, server: fast)
        var serverFlights = 0
        link.shouldDeliver = { from, _ in
            guard from == .server else { return true }
            serverFlights += 1
            return serverFlights != 2  // ChangeCipherSpec + Finished is lost once
        }
        try await link.run()
        // The server was done after its Finished; the client's resent flight
        // made it send that flight again from the connected state.
        #expect(link.server.statistics.retransmissions == 0)
        #expect(link.client.statistics.retransmissions == 1)
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")
    }
}
