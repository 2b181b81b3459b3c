import CDTLS
@testable import Relay
import Testing

/// Garbage, truncated and bogus records never crash a transport, are counted,
/// and never stop a real handshake that follows.
@Suite("DTLS bad input")
struct DTLSBadInputTests {
    /// Random datagrams of the sizes a noise flood uses; the first byte is
    /// kept in RFC 7983's DTLS range (20–63) so they reach the DTLS path.
    private func noise(seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(state: seed)
        return [1, 2, 12, 13, 14, 100, 600, 1200, 1500].map { size in
            var bytes = (0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            bytes[0] = UInt8.random(in: 20 ... 63, using: &generator)
            return bytes
        }
    }

    /// A record that passes the structural filter: a ClientHello fragment
    /// header with consistent lengths around random bytes.
    private func bogusClientHello(seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(state: seed)
        let body = (0 ..< 80).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let handshake: [UInt8] = [1, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 80] + body
        return [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(handshake.count)] + handshake
    }

    @Test func serverSurvivesNoiseTruncationAndBogusClientHelloThenConnects() async throws {
        let link = try DTLSLoopback()
        let realHello = try #require(link.client.start().first)

        var dropped = 0
        for datagram in noise(seed: 1) {
            #expect(link.server.receive(datagram).isEmpty)
            dropped += 1
        }
        #expect(link.server.receive(Array(realHello.prefix(realHello.count - 7))).isEmpty, "truncated record")
        dropped += 1
        #expect(link.server.state == .new)
        #expect(link.server.statistics.malformedDatagrams == dropped)

        // Well-formed framing, nonsense inside: OpenSSL rejects it, the
        // server sends nothing back and starts over.
        #expect(link.server.receive(bogusClientHello(seed: 2)).isEmpty)
        #expect(link.server.state == .new)
        #expect(link.server.statistics.malformedDatagrams == dropped + 1)
        guard case .rejectedClientHello? = link.server.statistics.lastDropReason else {
            Issue.record("last drop: \(String(describing: link.server.statistics.lastDropReason))")
            return
        }

        // The real ClientHello still works (the client resends it on its timer).
        try await link.run()
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")
    }

    @Test func noiseDuringAndAfterTheHandshakeIsDroppedAndTheLinkStaysUp() async throws {
        let link = try DTLSLoopback()
        link.start()
        for datagram in noise(seed: 3) {
            #expect(link.client.receive(datagram).isEmpty)
            _ = link.server.receive(datagram)
        }
        link.pump()
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")

        // Encrypted-looking records with the right framing but no valid tag:
        // OpenSSL discards them silently (RFC 6347 §4.1.2.7).
        var forged: [UInt8] = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 40]
        forged += [UInt8](repeating: 0x42, count: 40)
        for datagram in noise(seed: 4) + [forged] {
            #expect(link.client.receive(datagram).isEmpty)
            #expect(link.server.receive(datagram).isEmpty)
        }
        #expect(link.client.state.keyingMaterial != nil && link.server.state.keyingMaterial != nil)
        #expect(link.server.statistics.discardedApplicationDataBytes == 0)
        #expect(link.client.statistics.malformedDatagrams == 2 * noise(seed: 3).count)
    }

    @Test func failedTransportIgnoresFurtherInput() async throws {
        let impostor = try DTLSCertificate()
        let link = try DTLSLoopback(clientKnowsServerFingerprint: false)
        _ = link.client.setRemoteFingerprint(impostor.fingerprint)
        try await link.run()
        guard case .failed = link.client.state else {
            Issue.record("client should have failed: \(link.client.state)")
            return
        }
        let replay = link.log.first { $0.from == .server }?.datagrams ?? []
        for datagram in replay + noise(seed: 5) { #expect(link.client.receive(datagram).isEmpty) }
        #expect(link.client.statistics.ignoredDatagrams == replay.count + noise(seed: 5).count)
        #expect(link.client.nextTimeout == nil && link.client.handleTimeout().isEmpty)
        #expect(link.client.setRemoteFingerprint(link.serverCertificate.fingerprint).isEmpty)
        guard case .failed(.fingerprintMismatch) = link.client.state else {
            Issue.record("failure must stick: \(link.client.state)")
            return
        }
    }

    @Test func clientRestrictedToDTLS10IsRejectedByTheServerWhichKeepsWaiting() throws {
        // A plain OpenSSL client that only speaks DTLS 1.0.
        let context = try #require(SSL_CTX_new(DTLS_method()))
        defer { SSL_CTX_free(context) }
        #expect(CDTLS_CTX_set_max_proto_version(context, Int(DTLS1_VERSION)) == 1)
        let legacy = try #require(SSL_new(context))
        defer { SSL_free(legacy) }
        let readBIO = try #require(BIO_new(BIO_s_mem()))
        let writeBIO = try #require(BIO_new(BIO_s_mem()))
        SSL_set_bio(legacy, readBIO, writeBIO)
        SSL_set_connect_state(legacy)
        _ = SSL_do_handshake(legacy)
        let pending = CDTLS_BIO_pending(writeBIO)
        var hello = [UInt8](repeating: 0, count: pending)
        #expect(BIO_read(writeBIO, &hello, Int32(pending)) == Int32(pending))
        ERR_clear_error()

        let server = try DTLSTransport(certificate: try DTLSCertificate(), role: .server, remoteFingerprint: nil)
        #expect(server.receive(hello).isEmpty)
        #expect(server.state == .new)
        guard case let .rejectedClientHello(reason)? = server.statistics.lastDropReason else {
            Issue.record("last drop: \(String(describing: server.statistics.lastDropReason))")
            return
        }
        #expect(reason.contains("protocol"), "OpenSSL's reason: \(reason)")
    }
}
