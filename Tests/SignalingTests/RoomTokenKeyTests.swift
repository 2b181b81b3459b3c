import CryptoExtras
import Foundation
import JWTKit
@testable import Signaling
import Testing
import Topology

/// The token key file read at startup: every unusable file is an error that
/// names its path, and a relative path is read next to the topology.
struct RoomTokenKeyTests {
    /// A fresh directory holding a topology path and, optionally, a key file.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let hs256 = AuthSettings(algorithm: .hs256, keyFile: "secrets/jwt.secret")

    static func loadError(_ settings: AuthSettings, topology: String) -> RoomTokenKey.LoadError? {
        do throws(RoomTokenKey.LoadError) {
            _ = try RoomTokenKey.load(settings, topologyPath: topology)
            return nil
        } catch { return error }
    }

    @Test func aSecretNextToTheTopologyIsReadTrimmed() throws {
        let dir = try Self.directory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        let secret = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9=="
        try Data((secret + "\n").utf8).write(to: dir.appendingPathComponent("secrets/jwt.secret"))
        let key = try RoomTokenKey.load(Self.hs256, topologyPath: dir.appendingPathComponent("earth.yaml").path)
        guard case .secret(let bytes) = key else { Issue.record("expected a secret"); return }
        #expect(bytes == Array(secret.utf8))
    }

    @Test func aMissingSecretFileIsAnErrorNamingItsPathAndHowToMakeOne() throws {
        let dir = try Self.directory()
        let error = Self.loadError(Self.hs256, topology: dir.appendingPathComponent("earth.yaml").path)
        #expect(error?.path == dir.appendingPathComponent("secrets/jwt.secret").path)
        #expect(error?.description.contains("head -c 32 /dev/urandom | base64") == true)
    }

    @Test func anEmptyOrShortSecretIsAnError() throws {
        let dir = try Self.directory()
        let path = dir.appendingPathComponent("jwt.secret")
        let settings = AuthSettings(algorithm: .hs256, keyFile: path.path)
        try Data(" \n".utf8).write(to: path)
        #expect(Self.loadError(settings, topology: "t.yaml")?.description.contains("is empty") == true)
        try Data("short".utf8).write(to: path)
        #expect(Self.loadError(settings, topology: "t.yaml")?.description.contains("at least 32 bytes") == true)
    }

    @Test func anRS256KeyFileMustHoldAPublicKey() throws {
        let dir = try Self.directory()
        let path = dir.appendingPathComponent("jwt.pem")
        let settings = AuthSettings(algorithm: .rs256, keyFile: path.path)
        let privateKey = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))

        try Data(privateKey.pemRepresentation.utf8).write(to: path)
        #expect(Self.loadError(settings, topology: "t.yaml")?.description.contains("holds a private key") == true)
        try Data("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n".utf8).write(to: path)
        #expect(Self.loadError(settings, topology: "t.yaml")?.description.contains("not a PEM RSA public key") == true)
        try Data(privateKey.publicKey.pemRepresentation.utf8).write(to: path)
        let key = try RoomTokenKey.load(settings, topologyPath: "t.yaml")
        guard case .publicKey(let publicKey) = key else { Issue.record("expected a public key"); return }
        #expect(publicKey == privateKey.publicKey)
    }
}
