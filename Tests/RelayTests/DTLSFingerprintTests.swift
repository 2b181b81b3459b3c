@testable import Relay
import Testing

/// The SDP fingerprint is the only thing that authenticates a WebRTC peer:
/// no `connected` before it has matched, whenever it arrives.
@Suite("DTLS fingerprint check")
struct DTLSFingerprintTests {
    @Test func serverRejectsClientCertificateThatDoesNotMatchItsSDPFingerprint() async throws {
        let impostor = try DTLSCertificate()
        let link = try DTLSLoopback(serverKnowsClientFingerprint: false)
        _ = link.server.setRemoteFingerprint(impostor.fingerprint)
        try await link.run()

        #expect(link.server.state == .failed(.fingerprintMismatch(expected: impostor.fingerprint,
                                                                   actual: link.clientCertificate.fingerprint)))
        // The server aborted inside the handshake, so the client got an alert, not a Finished.
        #expect(link.client.state == .failed(.alertReceived(alert: "bad certificate")), "client: \(link.client.state)")
    }

    @Test func clientRejectsServerCertificateThatDoesNotMatchItsSDPFingerprint() async throws {
        let impostor = try DTLSCertificate()
        let link = try DTLSLoopback(clientKnowsServerFingerprint: false)
        _ = link.client.setRemoteFingerprint(impostor.fingerprint)
        try await link.run()

        #expect(link.client.state == .failed(.fingerprintMismatch(expected: impostor.fingerprint,
                                                                   actual: link.serverCertificate.fingerprint)))
        #expect(link.server.state == .failed(.alertReceived(alert: "bad certificate")), "server: \(link.server.state)")
    }

    @Test func lateFingerprintConnectsOnlyOnceSetAfterTheHandshake() async throws {
        let link = try DTLSLoopback(serverKnowsClientFingerprint: false)
        try await link.run()

        #expect(link.client.state.keyingMaterial != nil)
        #expect(link.server.state == .handshaking, "handshake done, fingerprint unknown: not connected")
        #expect(link.server.nextTimeout == nil, "nothing to retransmit while waiting for the answer")
        #expect(link.server.peerCertificateFingerprint == link.clientCertificate.fingerprint)

        #expect(link.server.setRemoteFingerprint(link.clientCertificate.fingerprint).isEmpty)
        let serverKeys = try #require(link.server.state.keyingMaterial)
        #expect(serverKeys.remoteMasterKey == link.client.state.keyingMaterial?.localMasterKey)
        #expect(link.server.setRemoteFingerprint(link.clientCertificate.fingerprint).isEmpty, "same value: no change")
        #expect(link.server.state.keyingMaterial == serverKeys)
    }

    @Test func fingerprintSetAfterClientHelloArrivedIsCheckedDuringTheHandshake() throws {
        let link = try DTLSLoopback(serverKnowsClientFingerprint: false)
        let clientHello = link.client.start()
        var serverFlight: [[UInt8]] = []
        for datagram in clientHello { serverFlight += link.server.receive(datagram) }
        #expect(link.server.state == .handshaking && !serverFlight.isEmpty)

        #expect(link.server.setRemoteFingerprint(link.clientCertificate.fingerprint).isEmpty)
        #expect(link.server.state == .handshaking)

        var clientFlight: [[UInt8]] = []
        for datagram in serverFlight { clientFlight += link.client.receive(datagram) }
        var serverFinal: [[UInt8]] = []
        for datagram in clientFlight { serverFinal += link.server.receive(datagram) }
        let serverKeys = try #require(link.server.state.keyingMaterial, "server: \(link.server.state)")
        for datagram in serverFinal { #expect(link.client.receive(datagram).isEmpty) }
        #expect(link.client.state.keyingMaterial?.localMasterKey == serverKeys.remoteMasterKey)
    }

    @Test func lateMismatchingFingerprintFailsAndClosesThePeer() async throws {
        let impostor = try DTLSCertificate()
        let link = try DTLSLoopback(serverKnowsClientFingerprint: false)
        try await link.run()
        #expect(link.server.state == .handshaking)

        let goodbye = link.server.setRemoteFingerprint(impostor.fingerprint)
        #expect(link.server.state == .failed(.fingerprintMismatch(expected: impostor.fingerprint,
                                                                   actual: link.clientCertificate.fingerprint)))
        #expect(!goodbye.isEmpty, "the peer believes it is connected: tell it to stop")
        for datagram in goodbye { _ = link.client.receive(datagram) }
        #expect(link.client.state == .closed)
    }

    @Test func changingTheFingerprintOfAConnectedTransportFailsIt() async throws {
        let impostor = try DTLSCertificate()
        let link = try DTLSLoopback()
        try await link.run()
        #expect(link.server.state.keyingMaterial != nil)
        _ = link.server.setRemoteFingerprint(impostor.fingerprint)
        #expect(link.server.state == .failed(.fingerprintMismatch(expected: impostor.fingerprint,
                                                                   actual: link.clientCertificate.fingerprint)))
    }

    @Test func mismatchMessageNamesBothFingerprintsForTheOperator() throws {
        let expected = try DTLSCertificate().fingerprint
        let actual = try DTLSCertificate().fingerprint
        let text = DTLSError.fingerprintMismatch(expected: expected, actual: actual).description
        #expect(text.contains(expected.sdpValue) && text.contains(actual.sdpValue))
    }
}
