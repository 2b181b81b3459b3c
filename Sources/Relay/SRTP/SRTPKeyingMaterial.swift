/// This bridge's role in the DTLS handshake of one transport. DTLS-SRTP
/// names its keys after it: the client's write key protects what the client
/// sends.
public enum DTLSRole: Sendable, Equatable {
    case client
    case server
}

/// The SRTP master keys and salts of both directions of one DTLS-SRTP
/// association, split from the exporter output.
///
/// RFC 5764 §4.2: DTLS exports `2 * (key + salt)` bytes with the label
/// `EXTRACTOR-dtls_srtp` and no context, laid out as
///
/// ```
/// +-------------------+-------------------+--------------------+--------------------+
/// | client write key  | server write key  | client write salt  | server write salt  |
/// +-------------------+-------------------+--------------------+--------------------+
/// ```
///
/// "local" is what this bridge protects with (its own write key and salt),
/// "remote" is what it unprotects with (the peer's write key and salt).
public struct SRTPKeyingMaterial: Sendable, Equatable {
    public let profile: SRTPProfile
    public let localMasterKey: [UInt8]
    public let localMasterSalt: [UInt8]
    public let remoteMasterKey: [UInt8]
    public let remoteMasterSalt: [UInt8]

    /// Splits exported keying material for `role`.
    ///
    /// - Throws: `SRTPError.invalidKeyingMaterialLength` unless `exported`
    ///   has exactly `profile.keyingMaterialLength` bytes.
    public init(exported: [UInt8], profile: SRTPProfile, role: DTLSRole) throws(SRTPError) {
        guard exported.count == profile.keyingMaterialLength else {
            throw .invalidKeyingMaterialLength(expected: profile.keyingMaterialLength, actual: exported.count)
        }
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        let clientKey = Array(exported[0 ..< keyLength])
        let serverKey = Array(exported[keyLength ..< 2 * keyLength])
        let clientSalt = Array(exported[2 * keyLength ..< 2 * keyLength + saltLength])
        let serverSalt = Array(exported[2 * keyLength + saltLength ..< 2 * (keyLength + saltLength)])

        self.profile = profile
        switch role {
        case .client:
            (localMasterKey, localMasterSalt) = (clientKey, clientSalt)
            (remoteMasterKey, remoteMasterSalt) = (serverKey, serverSalt)
        case .server:
            (localMasterKey, localMasterSalt) = (serverKey, serverSalt)
            (remoteMasterKey, remoteMasterSalt) = (clientKey, clientSalt)
        }
    }

    /// The session that protects what this bridge sends on the transport.
    public func makeOutboundSession() throws(SRTPError) -> SRTPSession {
        try SRTPSession(profile: profile, direction: .outbound,
                        masterKey: localMasterKey, masterSalt: localMasterSalt)
    }

    /// The session that unprotects what the peer sends on the transport.
    public func makeInboundSession() throws(SRTPError) -> SRTPSession {
        try SRTPSession(profile: profile, direction: .inbound,
                        masterKey: remoteMasterKey, masterSalt: remoteMasterSalt)
    }
}
