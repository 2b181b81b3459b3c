@testable import Relay
import Testing

/// The keys DTLS exports drive real libsrtp sessions (`SRTPSession`) in both
/// directions, for RTP and RTCP, for each profile.
@Suite("DTLS-SRTP exchange")
struct DTLSSRTPExchangeTests {
    /// RFC 3550 §5.1 fixed header, version 2, no CSRCs, then `payload`.
    private func rtp(sequence: UInt16, ssrc: UInt32, payload: [UInt8]) -> [UInt8] {
        let timestamp = UInt32(sequence) * 3000
        return [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
            + bigEndian(timestamp) + bigEndian(ssrc) + payload
    }

    /// RFC 3550 §6.4.2: a receiver report with no report blocks (length 1 = two words).
    private func rtcpReceiverReport(ssrc: UInt32) -> [UInt8] {
        [0x80, 201, 0x00, 0x01] + bigEndian(ssrc)
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    @Test(arguments: SRTPProfile.allCases)
    func exportedKeysCarryRTPAndRTCPBothWays(_ profile: SRTPProfile) async throws {
        let only = DTLSConfiguration(srtpProfiles: [profile])
        let link = try DTLSLoopback(client: only, server: only)
        try await link.run()
        let clientKeys = try #require(link.client.state.keyingMaterial)
        let serverKeys = try #require(link.server.state.keyingMaterial)
        #expect(clientKeys.profile == profile)

        let clientOut = try clientKeys.makeOutboundSession()
        let clientIn = try clientKeys.makeInboundSession()
        let serverOut = try serverKeys.makeOutboundSession()
        let serverIn = try serverKeys.makeInboundSession()

        let payload = [UInt8](repeating: 0xA5, count: 160)
        for sequence in UInt16(1) ... 5 {
            let upstream = rtp(sequence: sequence, ssrc: 0x1111_1111, payload: payload)
            let protected = try clientOut.protect(rtp: upstream)
            #expect(protected.count == upstream.count + profile.rtpTrailerLength)
            #expect(Array(protected[12...].prefix(16)) != Array(payload.prefix(16)), "payload is encrypted")
            #expect(try serverIn.unprotect(rtp: protected) == upstream)

            let downstream = rtp(sequence: sequence, ssrc: 0x2222_2222, payload: payload)
            #expect(try clientIn.unprotect(rtp: try serverOut.protect(rtp: downstream)) == downstream)
        }

        let report = rtcpReceiverReport(ssrc: 0x1111_1111)
        #expect(try serverIn.unprotectRTCP(try clientOut.protectRTCP(report)) == report)
        let answer = rtcpReceiverReport(ssrc: 0x2222_2222)
        #expect(try clientIn.unprotectRTCP(try serverOut.protectRTCP(answer)) == answer)
    }

    @Test func packetProtectedForOneDirectionDoesNotAuthenticateInTheOther() async throws {
        let link = try DTLSLoopback()
        try await link.run()
        let clientKeys = try #require(link.client.state.keyingMaterial)
        let protected = try clientKeys.makeOutboundSession()
            .protect(rtp: rtp(sequence: 7, ssrc: 0x3333_3333, payload: [1, 2, 3, 4]))
        // The client's own inbound session holds the server's write key.
        #expect(throws: SRTPError.authenticationFailed) {
            try clientKeys.makeInboundSession().unprotect(rtp: protected)
        }
    }
}
