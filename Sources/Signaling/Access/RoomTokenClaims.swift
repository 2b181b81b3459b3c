import Foundation
import JWTKit

/// The claims of a room token. Every field is optional at decoding so that
/// the verifier, not the JSON decoder, says which one is missing; the
/// verifier requires `room` and `exp`.
///
/// - `room`: the room the bearer may join, or `"*"` for any room.
/// - `exp`: expiry (seconds since 1970, RFC 7519 NumericDate); required.
/// - `nbf`: not before, when present.
/// - `iss`: checked when `signaling.auth.issuer` is set.
/// - `name`: when present, the participant's display name (it replaces the
///   `name` of the join body: the token issuer vouches for it).
public struct RoomTokenClaims: JWTPayload, Equatable {
    public static let anyRoom = "*"

    public var room: String?
    public var exp: Double?
    public var nbf: Double?
    public var iss: String?
    public var name: String?

    public init(room: String, expires: Date, issuer: String? = nil, name: String? = nil, notBefore: Date? = nil) {
        self.room = room
        self.exp = expires.timeIntervalSince1970.rounded(.down)
        self.nbf = notBefore.map { $0.timeIntervalSince1970.rounded(.down) }
        self.iss = issuer
        self.name = name
    }

    /// Claims are checked by `RoomTokenVerifier` after the signature, with
    /// messages of its own; jwt-kit's hook has nothing left to do.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
