import Testing
@testable import Relay

struct STUNICELiteResponderTests {
    let local = ICECredentials(ufrag: "brdg", password: "bridgePassword0123456789")
    let source = TransportAddress(ip: [198, 51, 100, 7], port: 50000)!

    /// A browser-like check: USERNAME "brdg:peer", PRIORITY, ICE-CONTROLLING,
    /// optional USE-CANDIDATE, MESSAGE-INTEGRITY under `password`, FINGERPRINT.
    func check(username: String? = "brdg:peer", password: String? = "bridgePassword0123456789",
               useCandidate: Bool = false, fingerprint: Bool = true,
               extra: [STUNAttribute] = [], type: STUNMessageType = .bindingRequest) throws -> [UInt8] {
        var attributes: [STUNAttribute] = username.map { [.username($0)] } ?? []
        attributes += [.priority(1_853_817_087), .iceControlling(0x0102_0304_0506_0708)]
        if useCandidate { attributes.append(.useCandidate) }
        attributes += extra
        return try STUNMessage(type: type, transactionID: .random(), attributes: attributes)
            .encoded(messageIntegrityKey: password.map(STUNMessageIntegrity.shortTermKey), fingerprint: fingerprint)
    }

    func rejection(_ outcome: ICELiteOutcome) -> ICECheckRejection? {
        if case let .rejected(rejection) = outcome { return rejection }
        return nil
    }

    @Test func validCheckGetsAuthenticatedSuccessWithSourceAddress() throws {
        let request = try check()
        let responder = ICELiteResponder(local: local, remoteUfrag: "peer")
        guard case let .accepted(accepted) = responder.respond(toDatagram: request, from: source) else {
            Issue.record("check was not accepted")
            return
        }
        let response = try STUNMessage(parsing: accepted.response)
        #expect(response.type == .bindingSuccessResponse)
        #expect(response.transactionID == (try STUNMessage(parsing: request)).transactionID)
        #expect(response.xorMappedAddress == source)
        #expect(response.verifyMessageIntegrity(key: STUNMessageIntegrity.shortTermKey(password: local.password)))
        #expect(response.verifyFingerprint())
        #expect(accepted.remoteUfrag == "peer")
        #expect(accepted.priority == 1_853_817_087)
        #expect(accepted.peerIsControlling)
        #expect(!accepted.useCandidate)
        #expect(accepted.source == source)
    }

    @Test func ipv6SourceIsReflectedInXORMappedAddress() throws {
        let source6 = try #require(TransportAddress(ip: ParserTestBytes.hex("2001 0db8 0000 0000 0000 0000 0000 0001"), port: 443))
        let outcome = ICELiteResponder(local: local).respond(toDatagram: try check(), from: source6)
        let response = try STUNMessage(parsing: try #require(outcome.response))
        #expect(response.xorMappedAddress == source6)
    }

    @Test func useCandidateIsReported() throws {
        let outcome = ICELiteResponder(local: local).respond(toDatagram: try check(useCandidate: true), from: source)
        guard case let .accepted(accepted) = outcome else {
            Issue.record("check was not accepted")
            return
        }
        #expect(accepted.useCandidate)
    }

    @Test func rfc5769SampleRequestIsAcceptedAsACheckForEvtj() throws {
        let responder = ICELiteResponder(local: ICECredentials(ufrag: "evtj", password: STUNTestVectors.password),
                                          remoteUfrag: "h6vY")
        let outcome = responder.respond(toDatagram: STUNTestVectors.sampleRequest, from: source)
        guard case let .accepted(accepted) = outcome else {
            Issue.record("RFC 5769 sample request was not accepted: \(outcome)")
            return
        }
        #expect(accepted.remoteUfrag == "h6vY")
        #expect(accepted.priority == 0x6E00_01FF)
        #expect(!accepted.peerIsControlling)
    }

    @Test func unknownRemoteUfragMatchesOnTheLocalPartOnly() throws {
        let responder = ICELiteResponder(local: local, remoteUfrag: nil)
        let outcome = responder.respond(toDatagram: try check(username: "brdg:anything"), from: source)
        guard case let .accepted(accepted) = outcome else {
            Issue.record("check was not accepted")
            return
        }
        #expect(accepted.remoteUfrag == "anything")
    }

    @Test(arguments: [
        ("missing USERNAME", nil as String?, "bridgePassword0123456789" as String?, true, ICECheckRejectionReason.missingUsername),
        ("missing MESSAGE-INTEGRITY", "brdg:peer", nil, true, .missingMessageIntegrity),
    ])
    func malformedCheckGets400(_ name: String, _ username: String?, _ password: String?, _ fingerprint: Bool,
                               _ reason: ICECheckRejectionReason) throws {
        let outcome = ICELiteResponder(local: local).respond(
            toDatagram: try check(username: username, password: password, fingerprint: fingerprint), from: source)
        let rejected = try #require(rejection(outcome), "\(name)")
        #expect(rejected.error.code == 400)
        #expect(rejected.reason == reason)
        try expectErrorResponse(rejected.response, code: 400, authenticated: false)
    }

    @Test func badFingerprintGets400() throws {
        var request = try check()
        request[request.count - 1] ^= 0x55
        let rejected = try #require(rejection(ICELiteResponder(local: local).respond(toDatagram: request, from: source)))
        #expect(rejected.error.code == 400)
        #expect(rejected.reason == .badFingerprint)
    }

    @Test func checkWithoutFingerprintIsStillAccepted() throws {
        let outcome = ICELiteResponder(local: local).respond(toDatagram: try check(fingerprint: false), from: source)
        guard case .accepted = outcome else {
            Issue.record("check without FINGERPRINT was refused")
            return
        }
    }

    @Test(arguments: [
        ("wrong local ufrag", "other:peer", "bridgePassword0123456789"),
        ("wrong remote ufrag", "brdg:intruder", "bridgePassword0123456789"),
        ("no colon", "brdgpeer", "bridgePassword0123456789"),
        ("wrong password", "brdg:peer", "bridgePassword0123456780"),
    ])
    func wrongCredentialsGet401(_ name: String, _ username: String, _ password: String) throws {
        let responder = ICELiteResponder(local: local, remoteUfrag: "peer")
        let outcome = responder.respond(toDatagram: try check(username: username, password: password), from: source)
        let rejected = try #require(rejection(outcome), "\(name)")
        #expect(rejected.error.code == 401, "\(name)")
        try expectErrorResponse(rejected.response, code: 401, authenticated: false)
    }

    @Test func unknownComprehensionRequiredAttributeGets420ListingIt() throws {
        let unknown = STUNAttributeType(rawValue: 0x0031)
        let request = try check(extra: [STUNAttribute(type: unknown, value: [1, 2, 3, 4])])
        let rejected = try #require(rejection(ICELiteResponder(local: local).respond(toDatagram: request, from: source)))
        #expect(rejected.error.code == 420)
        #expect(rejected.reason == .unknownComprehensionRequired([unknown]))
        let response = try expectErrorResponse(rejected.response, code: 420, authenticated: true)
        #expect(response.unknownAttributes == [unknown])
    }

    @Test func indicationsResponsesAndOtherMethodsAreIgnored() throws {
        let responder = ICELiteResponder(local: local)
        let types: [STUNMessageType] = [
            .bindingIndication, .bindingSuccessResponse, .bindingErrorResponse,
            STUNMessageType(method: STUNMethod(rawValue: 0x003), messageClass: .request),
        ]
        for type in types {
            let outcome = responder.respond(toDatagram: try check(type: type), from: source)
            guard case .ignored = outcome else {
                Issue.record("\(type) was answered")
                continue
            }
            #expect(outcome.response == nil)
        }
    }

    @Test func garbageIsIgnoredAsMalformed() {
        let outcome = ICELiteResponder(local: local).respond(toDatagram: [0x00, 0x01, 0x02], from: source)
        guard case .ignored(.malformed(.tooShort(length: 3))) = outcome else {
            Issue.record("garbage got \(outcome)")
            return
        }
    }

    @Test func localUfragIsReadFromUsernameForEndpointLookup() throws {
        let message = try STUNMessage(parsing: try check(username: "brdg:peer"))
        #expect(ICELiteResponder.localUfrag(of: message) == "brdg")
        #expect(ICELiteResponder.localUfrag(of: try STUNMessage(parsing: try check(username: "nocolon"))) == nil)
    }

    /// Parses an error response and checks its code, FINGERPRINT, and that
    /// MESSAGE-INTEGRITY is present exactly when the requester was
    /// authenticated (RFC 5389 §10.1.2).
    @discardableResult
    func expectErrorResponse(_ bytes: [UInt8], code: Int, authenticated: Bool) throws -> STUNMessage {
        let response = try STUNMessage(parsing: bytes)
        #expect(response.type == .bindingErrorResponse)
        #expect(response.errorCode?.code == code)
        #expect(response.verifyFingerprint())
        #expect(response.hasMessageIntegrity == authenticated)
        if authenticated {
            #expect(response.verifyMessageIntegrity(key: STUNMessageIntegrity.shortTermKey(password: local.password)))
        }
        return response
    }
}
