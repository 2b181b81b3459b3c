/// The values of the SDP `a=setup` attribute (RFC 4145 §4, RFC 5763 §5),
/// which decide who starts the DTLS handshake.
///
/// Relay does not parse SDP; the controller hands the bridge the answerer's
/// value, and this type turns it into the bridge's `DTLSRole`.
public enum DTLSSetup: String, Sendable, Equatable, CaseIterable {
    /// Will initiate the handshake (the DTLS client).
    case active
    /// Will wait for the handshake (the DTLS server).
    case passive
    /// Either: only an offer may say this (RFC 5763 §5).
    case actpass
    /// No connection yet; WebRTC does not use it for a live transport.
    case holdconn
}

extension DTLSRole {
    /// The bridge's role when it offered `a=setup:actpass` (the controller is
    /// always the offerer, DESIGN §4) and the answer carries `answerSetup`.
    ///
    /// RFC 5763 §5: the answerer picks `active` (it sends the ClientHello, so
    /// the bridge is the server) or `passive` (the bridge must start, as
    /// client). `actpass` is not allowed in an answer and `holdconn` opens no
    /// transport, so both give nil: the answer should be rejected.
    public init?(offererWithAnswerSetup answerSetup: DTLSSetup) {
        switch answerSetup {
        case .active: self = .server
        case .passive: self = .client
        case .actpass, .holdconn: return nil
        }
    }

    /// What this role means as an `a=setup` value: the client is `active`,
    /// the server `passive`.
    public var setup: DTLSSetup {
        switch self {
        case .client: .active
        case .server: .passive
        }
    }
}
