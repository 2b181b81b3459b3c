import CryptoExtras
import Foundation
import JWTKit
@testable import Signaling
import Testing
import Topology

/// Room tokens on join (issue 6): what `RoomTokenVerifier` accepts and the
/// status and message of every refusal, for HS256 and RS256.
struct RoomTokenTests {
    static let secret = Array("an HS256 secret of more than thirty-two bytes".utf8)
    static let hs256 = AuthSettings(algorithm: .hs256, keyFile: "jwt.secret", issuer: "meridian", required: true)

    static func verifier(_ settings: AuthSettings = hs256, key: RoomTokenKey = .secret(secret)) async -> RoomTokenVerifier {
        await RoomTokenVerifier(settings: settings, key: key)
    }

    static func token(room: String = "standup", expiresIn seconds: TimeInterval = 600, issuer: String? = "meridian",
                      name: String? = nil, key: RoomTokenIssuer.SigningKey = .secret(secret)) async throws -> String {
        try await RoomTokenIssuer(key).sign(RoomTokenClaims(room: room, expires: Date().addingTimeInterval(seconds),
                                                            issuer: issuer, name: name))
    }

    /// The refusal `authorize` throws, if any.
    static func refusal(_ verifier: RoomTokenVerifier, _ token: String?, room: String = "standup") async -> APIError? {
        do throws(APIError) {
            _ = try await verifier.authorize(token, room: room)
            return nil
        } catch { return error }
    }

    @Test func aValidHS256TokenIsAcceptedWithItsClaims() async throws {
        let claims = try await Self.verifier().authorize(try await Self.token(name: "Alice"), room: "standup")
        #expect(claims?.room == "standup")
        #expect(claims?.name == "Alice")
        #expect(claims?.iss == "meridian")
    }

    @Test func anAnyRoomTokenAdmitsToEveryRoom() async throws {
        let token = try await Self.token(room: RoomTokenClaims.anyRoom)
        #expect(await Self.refusal(Self.verifier(), token, room: "standup") == nil)
        #expect(await Self.refusal(Self.verifier(), token, room: "retro") == nil)
    }

    @Test func aValidRS256TokenIsAcceptedWithThePublicKey() async throws {
        let privateKey = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let settings = AuthSettings(algorithm: .rs256, keyFile: "jwt.pub", issuer: nil)
        let key = try RoomTokenKey.parse(privateKey.publicKey.pemRepresentation, settings: settings, path: "jwt.pub")
        let verifier = await Self.verifier(settings, key: key)
        let token = try await Self.token(issuer: nil, key: .privateKey(privateKey))
        #expect(try await verifier.authorize(token, room: "standup")?.room == "standup")

        // Signed by another RSA key: forged.
        let other = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let forged = try await Self.token(issuer: nil, key: .privateKey(other))
        #expect(await Self.refusal(verifier, forged) == .unauthorized("the token's signature is not valid"))
        // An HS256 token never reaches an RSA verifier's signature check.
        let hs = try await Self.token(issuer: nil)
        #expect(await Self.refusal(verifier, hs) == .unauthorized("the token is signed with HS256; this controller accepts RS256 tokens"))
    }

    @Test func aMissingTokenIsRefusedWhenRequiredAndLetThroughWhenNot() async throws {
        #expect(await Self.refusal(Self.verifier(), nil)?.status == 401)
        #expect(await Self.refusal(Self.verifier(), "")?.status == 401)
        var optional = Self.hs256
        optional.required = false
        #expect(try await Self.verifier(optional).authorize(nil, room: "standup") == nil)
        // Optional does not mean unchecked: a bad token is still refused.
        #expect(await Self.refusal(Self.verifier(optional), "not.a.token")?.status == 401)
    }

    @Test func anExpiredTokenIsRefusedWith401() async throws {
        let token = try await Self.token(expiresIn: -5)
        #expect(await Self.refusal(Self.verifier(), token) == .unauthorized("the token has expired"))
    }

    @Test func aTokenNotValidYetIsRefusedWith401UntilItsNotBefore() async throws {
        let issued = Date()
        let claims = RoomTokenClaims(room: "standup", expires: issued.addingTimeInterval(600), issuer: "meridian",
                                     notBefore: issued.addingTimeInterval(60))
        let token = try await RoomTokenIssuer(.secret(Self.secret)).sign(claims)
        #expect(await Self.refusal(Self.verifier(), token) == .unauthorized("the token is not valid yet (nbf)"))
        // The same token once its nbf has passed (the verifier's clock moved on).
        let later = await RoomTokenVerifier(settings: Self.hs256, key: .secret(Self.secret),
                                            now: { issued.addingTimeInterval(61) })
        #expect(await Self.refusal(later, token) == nil)
    }

    @Test func aTokenForAnotherRoomIsRefusedWith403() async throws {
        let token = try await Self.token(room: "board-meeting")
        #expect(await Self.refusal(Self.verifier(), token) == .forbidden("the token is for another room"))
    }

    @Test func aTokenSignedWithAnotherSecretIsRefusedAsForged() async throws {
        let token = try await Self.token(key: .secret(Array("another secret, just as long as the real one".utf8)))
        #expect(await Self.refusal(Self.verifier(), token) == .unauthorized("the token's signature is not valid"))
        // A genuine token whose payload was edited (another room) is forged too.
        let parts = try await Self.token().split(separator: ".")
        let edited = Data(#"{"room":"standup","exp":9999999999,"iss":"meridian","name":"Mallory"}"#.utf8)
            .base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(await Self.refusal(Self.verifier(), "\(parts[0]).\(edited).\(parts[2])")?.status == 401)
    }

    @Test(arguments: ["garbage", "a.b", "a.b.c", "e30.e30.", "....", "eyJhbGciOiJIUzI1NiJ9.!!!.sig"])
    func aMalformedTokenIsRefusedWith401(token: String) async throws {
        #expect(await Self.refusal(Self.verifier(), token)?.status == 401)
    }

    @Test func aWrongOrMissingIssuerIsRefusedWith401() async throws {
        let wrong = try await Self.token(issuer: "someone-else")
        #expect(await Self.refusal(Self.verifier(), wrong) == .unauthorized("the token's issuer is not meridian"))
        let missing = try await Self.token(issuer: nil)
        #expect(await Self.refusal(Self.verifier(), missing)?.status == 401)
        // Without a configured issuer any iss is accepted.
        var anyIssuer = Self.hs256
        anyIssuer.issuer = nil
        #expect(await Self.refusal(Self.verifier(anyIssuer), wrong) == nil)
    }

    @Test func aTokenWithoutExpiryOrRoomIsRefused() async throws {
        struct Loose: JWTPayload {
            var room: String?
            var exp: Double?
            func verify(using algorithm: some JWTKit.JWTAlgorithm) async throws {}
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        var settings = Self.hs256
        settings.issuer = nil
        let noExpiry = try await keys.sign(Loose(room: "standup", exp: nil))
        #expect(await Self.refusal(Self.verifier(settings), noExpiry) == .unauthorized("the token has no exp (expiry) claim"))
        let noRoom = try await keys.sign(Loose(room: nil, exp: Date().timeIntervalSince1970 + 600))
        #expect(await Self.refusal(Self.verifier(settings), noRoom) == .unauthorized("the token has no room claim"))
    }
}
