import CDTLS
@testable import Relay
import Testing

/// Meridian's client role against its server role, in process, through
/// OpenSSL for real.
@Suite("DTLS handshake")
struct DTLSHandshakeTests {
    struct ProfileCase: Sendable, CustomTestStringConvertible {
        let client: [SRTPProfile]
        let server: [SRTPProfile]
        let expected: SRTPProfile
        var testDescription: String { "client \(client) / server \(server) → \(expected)" }
    }

    static let profileCases: [ProfileCase] = [
        ProfileCase(client: [.aeadAES128GCM, .aesCM128HMACSHA1_80],
                    server: [.aeadAES128GCM, .aesCM128HMACSHA1_80], expected: .aeadAES128GCM),
        ProfileCase(client: [.aeadAES128GCM, .aesCM128HMACSHA1_80],
                    server: [.aesCM128HMACSHA1_80], expected: .aesCM128HMACSHA1_80),
        ProfileCase(client: [.aesCM128HMACSHA1_80],
                    server: [.aeadAES128GCM, .aesCM128HMACSHA1_80], expected: .aesCM128HMACSHA1_80),
        // RFC 5764 §4.1.1: the server picks; its preference beats the client's order.
        ProfileCase(client: [.aesCM128HMACSHA1_80, .aeadAES128GCM],
                    server: [.aeadAES128GCM, .aesCM128HMACSHA1_80], expected: .aeadAES128GCM),
    ]

    @Test(arguments: profileCases)
    func clientAndServerRolesConnectWithMirroredKeys(_ profiles: ProfileCase) async throws {
        let link = try DTLSLoopback(client: DTLSConfiguration(srtpProfiles: profiles.client),
                                    server: DTLSConfiguration(srtpProfiles: profiles.server))
        try await link.run()

        let clientKeys = try #require(link.client.state.keyingMaterial, "client: \(link.client.state)")
        let serverKeys = try #require(link.server.state.keyingMaterial, "server: \(link.server.state)")
        #expect(clientKeys.profile == profiles.expected)
        #expect(serverKeys.profile == profiles.expected)
        #expect(clientKeys.localMasterKey == serverKeys.remoteMasterKey)
        #expect(clientKeys.localMasterSalt == serverKeys.remoteMasterSalt)
        #expect(clientKeys.remoteMasterKey == serverKeys.localMasterKey)
        #expect(clientKeys.remoteMasterSalt == serverKeys.localMasterSalt)
        #expect(clientKeys.localMasterKey != clientKeys.remoteMasterKey, "each direction has its own key")
        #expect(clientKeys.localMasterKey.count == profiles.expected.masterKeyLength)
        #expect(clientKeys.localMasterSalt.count == profiles.expected.masterSaltLength)

        #expect(link.client.peerCertificateFingerprint == link.serverCertificate.fingerprint)
        #expect(link.server.peerCertificateFingerprint == link.clientCertificate.fingerprint)
        #expect(SSL_version(link.client.ssl) == DTLS1_2_VERSION)
        #expect(SSL_version(link.server.ssl) == DTLS1_2_VERSION)
        #expect(link.client.nextTimeout == nil && link.server.nextTimeout == nil, "no timer once connected")
        #expect(link.client.statistics.retransmissions == 0 && link.server.statistics.retransmissions == 0)
    }

    @Test func noCommonSRTPProfileFailsBothSidesWithoutKeys() async throws {
        let link = try DTLSLoopback(client: DTLSConfiguration(srtpProfiles: [.aeadAES128GCM]),
                                    server: DTLSConfiguration(srtpProfiles: [.aesCM128HMACSHA1_80]))
        try await link.run()
        #expect(link.client.state == .failed(.noCommonSRTPProfile))
        #expect(link.server.state == .failed(.noCommonSRTPProfile))
    }

    @Test func everyHandshakeDatagramFitsTheDefault1200ByteMTU() async throws {
        let link = try DTLSLoopback()
        try await link.run()
        #expect(link.client.state.keyingMaterial != nil && link.server.state.keyingMaterial != nil)
        let sizes = link.allDatagrams.map(\.count)
        #expect(!sizes.isEmpty && sizes.allSatisfy { $0 <= 1200 }, "datagram sizes \(sizes)")
        // With a P-256 certificate each flight fits one datagram: the packer
        // must not have split a flight that fits.
        #expect(link.log.allSatisfy { $0.datagrams.count == 1 }, "flights: \(link.log.map { ($0.from, $0.datagrams.map(\.count)) })")
    }

    @Test func smallMTUFragmentsFlightsAndPacksRecordsOnBoundaries() async throws {
        let small = DTLSConfiguration(mtu: 300)
        let link = try DTLSLoopback(client: small, server: small)
        try await link.run()
        #expect(link.client.state.keyingMaterial != nil, "client: \(link.client.state)")
        #expect(link.server.state.keyingMaterial != nil, "server: \(link.server.state)")

        let datagrams = link.allDatagrams
        #expect(datagrams.allSatisfy { $0.count <= 300 }, "sizes \(datagrams.map(\.count))")
        #expect(link.log.contains { $0.datagrams.count > 1 }, "a flight larger than 300 bytes spans datagrams")
        let recordsPerDatagram = try datagrams.map { try dtlsRecords(in: $0).count }
        #expect(recordsPerDatagram.contains { $0 > 1 }, "small records share a datagram: \(recordsPerDatagram)")
    }

    @Test func serverAnswersClientHelloWithServerHelloNotHelloVerifyRequest() throws {
        let link = try DTLSLoopback()
        #expect(SSL_get_options(link.server.ssl) & CDTLS_OP_COOKIE_EXCHANGE() == 0)
        let clientHello = try #require(link.client.start().first)
        let firstClientRecord = try #require(try dtlsRecords(in: clientHello).first)
        #expect(firstClientRecord.type == .handshake && firstClientRecord.fragment.first == 1, "ClientHello")

        let answer = link.server.receive(clientHello)
        let records = try answer.flatMap { try dtlsRecords(in: $0) }
        let handshakeTypes = records.filter { $0.type == .handshake }.compactMap(\.fragment.first)
        // RFC 5246 §7.4: 2 ServerHello, 11 Certificate, 12 ServerKeyExchange,
        // 13 CertificateRequest, 14 ServerHelloDone; 3 would be HelloVerifyRequest.
        #expect(handshakeTypes == [2, 11, 12, 13, 14])
        #expect(link.server.state == .handshaking)
    }

    @Test func clientIgnoresDatagramsBeforeStartAndStartIsIdempotent() throws {
        let link = try DTLSLoopback()
        #expect(link.client.receive([22, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 20)).isEmpty)
        #expect(link.client.state == .new)
        #expect(link.client.statistics.ignoredDatagrams == 1)
        #expect(link.client.start().count == 1)
        #expect(link.client.start().isEmpty)
        #expect(link.server.start().isEmpty, "a server waits for the ClientHello")
        #expect(link.server.state == .new)
    }

    @Test func closeSendsCloseNotifyAndThePeerCloses() async throws {
        let link = try DTLSLoopback()
        try await link.run()
        #expect(link.server.state.keyingMaterial != nil)

        let goodbye = link.client.close()
        #expect(link.client.state == .closed)
        let records = try goodbye.flatMap { try dtlsRecords(in: $0) }
        #expect(records.count == 1 && records.first?.type == .alert && records.first?.epoch == 1,
                "one encrypted alert record: close_notify")
        for datagram in goodbye { #expect(link.server.receive(datagram).isEmpty) }
        #expect(link.server.state == .closed)

        #expect(link.server.receive(goodbye[0]).isEmpty)
        #expect(link.server.statistics.ignoredDatagrams == 1, "input after close is ignored")
        #expect(link.client.close().isEmpty)
    }

    @Test func applicationDataAfterConnectIsDiscardedAndCounted() async throws {
        let link = try DTLSLoopback()
        try await link.run()
        let message: [UInt8] = Array("not a data channel".utf8)
        #expect(SSL_write(link.client.ssl, message, Int32(message.count)) == Int32(message.count))
        link.client.collectOutput()
        let datagrams = link.client.takeOutbox()
        #expect(datagrams.count == 1)
        #expect(link.server.receive(datagrams[0]).isEmpty)
        #expect(link.server.statistics.discardedApplicationDataBytes == message.count)
        #expect(link.server.state.keyingMaterial != nil, "still connected")
    }
}
