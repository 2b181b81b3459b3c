import Foundation
import JWTKit

/// Signs room tokens: what `meridian token` prints for operators, and what
/// an application backend would do with any JWT library. HS256 signs with
/// the controller's own secret; RS256 needs the private half of the key the
/// controller verifies with, which the controller never holds.
/// `Sendable`: the key collection is an actor.
public struct RoomTokenIssuer: Sendable {
    public enum SigningKey: Sendable {
        case secret([UInt8])
        case privateKey(Insecure.RSA.PrivateKey)
    }

    let keys: JWTKeyCollection

    public init(_ key: SigningKey) async {
        keys = JWTKeyCollection()
        switch key {
        case .secret(let bytes): await keys.add(hmac: HMACKey(from: bytes), digestAlgorithm: .sha256)
        case .privateKey(let privateKey): await keys.add(rsa: privateKey, digestAlgorithm: .sha256)
        }
    }

    /// The signed compact JWT of `claims`.
    public func sign(_ claims: RoomTokenClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// Reads an RSA private key in PEM (PKCS#1 or PKCS#8).
    public static func privateKey(pem: String) throws -> Insecure.RSA.PrivateKey {
        try Insecure.RSA.PrivateKey(pem: pem)
    }
}
