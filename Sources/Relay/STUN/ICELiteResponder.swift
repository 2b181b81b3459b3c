/// The lite side of ICE connectivity checks (RFC 8445 §7.3) for one
/// endpoint: the bridge never sends checks, it answers them.
///
/// The checks, in RFC order (RFC 5389 §7.3, §10.1.2, §7.3.1):
/// 1. only Binding requests are answered; indications, responses and other
///    methods are ignored;
/// 2. a FINGERPRINT that does not match earns 400 (a check without one is
///    accepted: FINGERPRINT separates STUN from media, authentication is
///    MESSAGE-INTEGRITY's job);
/// 3. no USERNAME or no MESSAGE-INTEGRITY: 400;
/// 4. USERNAME must be `<local ufrag>:<remote ufrag>`; when the remote ufrag
///    is not known yet (the answer has not arrived) only the local part is
///    matched. Anything else: 401;
/// 5. MESSAGE-INTEGRITY must verify under the local password: 401;
/// 6. unknown comprehension-required attributes: 420 with UNKNOWN-ATTRIBUTES;
/// 7. success: XOR-MAPPED-ADDRESS = the source address (peer-reflexive, so
///    any client address works, loopback included), MESSAGE-INTEGRITY,
///    FINGERPRINT, the request's transaction id.
///
/// Error responses for 400/401 carry no MESSAGE-INTEGRITY (the requester
/// could not be authenticated, RFC 5389 §10.1.2); the 420 does. Nothing here
/// keeps state: the caller applies `useCandidate` and consent freshness to
/// its endpoint only after `.accepted`, which is "authenticate before
/// creating state".
///
/// Role conflicts (RFC 8445 §7.3.1.1) are not resolved: a lite agent is
/// always controlled, and a peer that also claims ICE-CONTROLLED is itself
/// lite, which a bridge never meets.
///
/// Concurrency: an immutable `Sendable` value.
public struct ICELiteResponder: Sendable {
    public let local: ICECredentials
    /// The peer's ufrag from its SDP answer, once known.
    public let remoteUfrag: String?

    public init(local: ICECredentials, remoteUfrag: String? = nil) {
        self.local = local
        self.remoteUfrag = remoteUfrag
    }

    /// The receiver-side ufrag of a check's USERNAME (before the colon), so
    /// that a bridge serving many endpoints on one port can find the
    /// endpoint before answering. Nil without a USERNAME or a colon.
    public static func localUfrag(of request: STUNMessage) -> Substring? {
        guard let username = request.username, let colon = username.firstIndex(of: ":") else { return nil }
        return username[..<colon]
    }

    /// Parses a datagram and answers it.
    public func respond(toDatagram datagram: [UInt8], from source: TransportAddress) -> ICELiteOutcome {
        do {
            return respond(to: try STUNMessage(parsing: datagram), from: source)
        } catch {
            return .ignored(.malformed(error))
        }
    }

    /// Answers a parsed message received from `source`.
    public func respond(to request: STUNMessage, from source: TransportAddress) -> ICELiteOutcome {
        guard request.type.messageClass == .request else { return .ignored(.notARequest(request.type.messageClass)) }
        guard request.type.method == .binding else { return .ignored(.notBinding(request.type.method)) }

        if request.hasFingerprint, !request.verifyFingerprint() {
            return reject(request, .badRequest, .badFingerprint)
        }
        guard let username = request.username else { return reject(request, .badRequest, .missingUsername) }
        guard request.hasMessageIntegrity else { return reject(request, .badRequest, .missingMessageIntegrity) }

        guard let colon = username.firstIndex(of: ":"),
              username[..<colon] == local.ufrag,
              remoteUfrag.map({ username[username.index(after: colon)...] == $0 }) ?? true else {
            return reject(request, .unauthorized, .unknownUsername(username))
        }
        let key = STUNMessageIntegrity.shortTermKey(password: local.password)
        guard request.verifyMessageIntegrity(key: key) else {
            return reject(request, .unauthorized, .integrityCheckFailed)
        }
        if !request.unknownComprehensionRequired.isEmpty {
            let types = request.unknownComprehensionRequired
            return reject(request, .unknownAttribute, .unknownComprehensionRequired(types),
                          extra: [.unknownAttributes(types)], key: key)
        }

        let response = STUNMessage(type: .bindingSuccessResponse, transactionID: request.transactionID,
                                   attributes: [.xorMappedAddress(source, transactionID: request.transactionID)])
        let bytes: [UInt8]
        do {
            bytes = try response.encoded(messageIntegrityKey: key, fingerprint: true)
        } catch {
            return .ignored(.cannotRespond(error))
        }
        return .accepted(ICEConnectivityCheck(
            response: bytes,
            source: source,
            remoteUfrag: String(username[username.index(after: colon)...]),
            useCandidate: request.useCandidate,
            priority: request.priority,
            peerIsControlling: request.iceControlling != nil))
    }

    private func reject(_ request: STUNMessage, _ error: STUNErrorCode, _ reason: ICECheckRejectionReason,
                        extra: [STUNAttribute] = [], key: [UInt8]? = nil) -> ICELiteOutcome {
        let response = STUNMessage(type: .bindingErrorResponse, transactionID: request.transactionID,
                                   attributes: [.errorCode(error)] + extra)
        do {
            let bytes = try response.encoded(messageIntegrityKey: key, fingerprint: true)
            return .rejected(ICECheckRejection(response: bytes, error: error, reason: reason))
        } catch {
            return .ignored(.cannotRespond(error))
        }
    }
}
