/// Local ICE credentials of one endpoint (RFC 8445 §5.3): the ufrag and
/// password the controller put in the SDP offer.
public struct ICECredentials: Sendable, Hashable {
    public var ufrag: String
    public var password: String

    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }
}

/// What the ICE-lite responder decided about one datagram.
public enum ICELiteOutcome: Sendable {
    /// Not a Binding request (an indication, a response, another method) or
    /// not STUN at all: no answer, RFC 5389 §7.3 and RFC 8445 §7.3.
    case ignored(ICELiteIgnoredReason)
    /// A valid, authenticated check: send `response` back to `source`.
    case accepted(ICEConnectivityCheck)
    /// An invalid check: send `response` (an error response) back and
    /// count the rejection; no state changes.
    case rejected(ICECheckRejection)

    /// The bytes to send back, if any.
    public var response: [UInt8]? {
        switch self {
        case .ignored: nil
        case let .accepted(check): check.response
        case let .rejected(rejection): rejection.response
        }
    }
}

/// Why a datagram got no answer.
public enum ICELiteIgnoredReason: Sendable, Equatable, CustomStringConvertible {
    case malformed(STUNError)
    case notARequest(STUNClass)
    case notBinding(STUNMethod)
    /// The response could not be encoded (OpenSSL's HMAC failed).
    case cannotRespond(STUNError)

    public var description: String {
        switch self {
        case let .malformed(error): "ignored malformed STUN: \(error)"
        case let .notARequest(messageClass): "ignored STUN \(messageClass) (only requests are answered)"
        case let .notBinding(method): "ignored STUN \(method) request (ICE uses Binding only)"
        case let .cannotRespond(error): "could not answer a connectivity check: \(error)"
        }
    }
}

/// An authenticated connectivity check from a peer.
public struct ICEConnectivityCheck: Sendable {
    /// The Binding success response: XOR-MAPPED-ADDRESS = `source`,
    /// MESSAGE-INTEGRITY under the local password, FINGERPRINT.
    public let response: [UInt8]
    /// The address the check came from: the peer-reflexive candidate the
    /// bridge sends media to once the pair is selected.
    public let source: TransportAddress
    /// The peer's ufrag (the part of USERNAME after the colon).
    public let remoteUfrag: String
    /// USE-CANDIDATE was present: the controlling peer nominates this pair
    /// (RFC 8445 §7.3.1.5), so the bridge selects `source` for media.
    public let useCandidate: Bool
    /// The peer's PRIORITY for a peer-reflexive candidate, when sent.
    public let priority: UInt32?
    /// The peer claimed the controlling role (ICE-CONTROLLING present).
    public let peerIsControlling: Bool
}

/// A check the responder refused, with the error response to send.
public struct ICECheckRejection: Sendable {
    public let response: [UInt8]
    public let error: STUNErrorCode
    public let reason: ICECheckRejectionReason
}

/// Why a check was refused; each maps to the error code RFC 5389 §10.1.2
/// (400/401) or §7.3.1 (420) prescribes.
public enum ICECheckRejectionReason: Sendable, Equatable, CustomStringConvertible {
    /// FINGERPRINT present but wrong: 400.
    case badFingerprint
    /// No USERNAME: 400.
    case missingUsername
    /// No MESSAGE-INTEGRITY: 400.
    case missingMessageIntegrity
    /// USERNAME is not `<local ufrag>:<remote ufrag>` for this endpoint: 401.
    case unknownUsername(String)
    /// MESSAGE-INTEGRITY does not verify under the local password: 401.
    case integrityCheckFailed
    /// Comprehension-required attributes this agent does not know: 420.
    case unknownComprehensionRequired([STUNAttributeType])

    public var description: String {
        switch self {
        case .badFingerprint: "STUN FINGERPRINT does not match"
        case .missingUsername: "connectivity check without USERNAME"
        case .missingMessageIntegrity: "connectivity check without MESSAGE-INTEGRITY"
        case let .unknownUsername(username): "connectivity check for unknown USERNAME \"\(username)\""
        case .integrityCheckFailed: "connectivity check MESSAGE-INTEGRITY does not verify with the local ice-pwd"
        case let .unknownComprehensionRequired(types):
            "connectivity check with unknown comprehension-required attributes \(types.map(\.description).joined(separator: ", "))"
        }
    }
}
