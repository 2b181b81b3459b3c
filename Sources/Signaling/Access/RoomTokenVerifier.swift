import Foundation
import JWTKit
import Topology

/// Checks the room token of a join (`signaling.auth`, issue 6) before the
/// controller is asked for anything.
///
/// Order and answers: no token → 401 when `required` (a join without one is
/// let through otherwise); not three base64url parts or not JSON → 401
/// malformed; an `alg` other than the configured one → 401 (checked before
/// the signature so that an HS256 token can never be verified against an
/// RSA public key used as an HMAC secret); a bad signature → 401; then the
/// claims: no `exp` or expired → 401, `nbf` in the future → 401, a wrong
/// `iss` → 401, no `room` → 401, a `room` other than the URL's (and not
/// `"*"`) → 403: the token is genuine but not for this room. Messages say
/// what is wrong with the token, never anything about the key.
///
/// `Sendable`: the key collection is an actor and the rest is immutable.
public struct RoomTokenVerifier: Sendable {
    let keys: JWTKeyCollection
    /// The configured `alg` (`HS256` or `RS256`).
    let algorithm: String
    let issuer: String?
    let required: Bool
    let now: @Sendable () -> Date

    public init(settings: AuthSettings, key: RoomTokenKey, now: @escaping @Sendable () -> Date = { Date() }) async {
        keys = JWTKeyCollection()
        switch key {
        case .secret(let bytes): await keys.add(hmac: HMACKey(from: bytes), digestAlgorithm: .sha256)
        case .publicKey(let publicKey): await keys.add(rsa: publicKey, digestAlgorithm: .sha256)
        }
        algorithm = settings.algorithm.rawValue
        issuer = settings.issuer
        required = settings.required
        self.now = now
    }

    /// The verified claims of `token` for a join of `room`; `nil` when no
    /// token was given and none is required.
    public func authorize(_ token: String?, room: String) async throws(APIError) -> RoomTokenClaims? {
        guard let token, !token.isEmpty else {
            if required { throw .unauthorized("this room needs a token: add \"token\" to the join request") }
            return nil
        }
        try checkHeader(token)
        let claims: RoomTokenClaims
        do {
            claims = try await keys.verify(token, as: RoomTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .unauthorized("the token's signature is not valid")
        } catch {
            throw .unauthorized("the token is malformed")
        }
        try check(claims, room: room)
        return claims
    }

    /// The header must be JSON naming the configured algorithm.
    private func checkHeader(_ token: String) throws(APIError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let json = Self.base64URLDecode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw .unauthorized("the token is malformed (expected a JWT: three base64url parts)")
        }
        guard let alg = header["alg"] as? String else { throw .unauthorized("the token's header has no alg") }
        guard alg == algorithm else {
            throw .unauthorized("the token is signed with \(alg); this controller accepts \(algorithm) tokens")
        }
    }

    private func check(_ claims: RoomTokenClaims, room: String) throws(APIError) {
        let now = self.now().timeIntervalSince1970
        guard let exp = claims.exp else { throw .unauthorized("the token has no exp (expiry) claim") }
        guard now < exp else { throw .unauthorized("the token has expired") }
        if let nbf = claims.nbf, now < nbf { throw .unauthorized("the token is not valid yet (nbf)") }
        if let issuer, claims.iss != issuer {
            throw .unauthorized(claims.iss == nil ? "the token has no iss claim; \(issuer) tokens are required"
                                                  : "the token's issuer is not \(issuer)")
        }
        guard let allowed = claims.room else { throw .unauthorized("the token has no room claim") }
        guard allowed == room || allowed == RoomTokenClaims.anyRoom else {
            throw .forbidden("the token is for another room")
        }
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
