import Foundation
import Testing

/// `meridian token` and the token key file at `meridian signal`'s start, run
/// as the real binary.
struct TokenCommandTests {
    static func topology(auth: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("t.yaml").path
        try """
            version: 1
            name: t
            regions: { eu: { lat: 50, lon: 8 } }
            overlay: { mode: loopback }
            bridges:
              fra-1: { region: eu, media: 127.0.0.1:10001, overlay: 127.0.0.1:4001 }
            signaling:
              listen: 127.0.0.1:18080    # never bound: these runs stop before listening
              default-region: eu
              auth: \(auth)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID())")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        return url
    }

    static func payload(of token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        var base64 = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return try JSONSerialization.jsonObject(with: Data(base64Encoded: base64) ?? Data()) as? [String: Any] ?? [:]
    }

    @Test func tokenPrintsAnHS256TokenWithTheRoomNameIssuerAndExpiry() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IHNlY3JldA==\n"
            .write(to: dir.appendingPathComponent("secrets/jwt.secret"), atomically: true, encoding: .utf8)
        let topology = try Self.topology(auth: "{ algorithm: HS256, secret-file: secrets/jwt.secret, issuer: meridian }",
                                         in: dir)
        let result = try MeridianProcess.run(["token", "--topology", topology, "--room", "standup",
                                              "--name", "alice", "--ttl", "120"])
        #expect(result.status == 0, "\(result.stderr)")
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let claims = try Self.payload(of: token)
        #expect(claims["room"] as? String == "standup")
        #expect(claims["name"] as? String == "alice")
        #expect(claims["iss"] as? String == "meridian")
        let exp = claims["exp"] as? Double ?? 0
        #expect(abs(exp - Date().timeIntervalSince1970 - 120) < 30)
    }

    @Test func aMissingSecretFileStopsTokenAndSignalNamingThePath() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let topology = try Self.topology(auth: "{ algorithm: HS256, secret-file: secrets/jwt.secret }", in: dir)
        let secretPath = dir.appendingPathComponent("secrets/jwt.secret").path

        let token = try MeridianProcess.run(["token", "--topology", topology, "--room", "standup"])
        #expect(token.status != 0)
        #expect(token.stderr.contains(secretPath))

        let cluster = dir.appendingPathComponent("cluster.secret").path
        try "a cluster secret for this test".write(toFile: cluster, atomically: true, encoding: .utf8)
        let signal = try MeridianProcess.run(["signal", "--topology", topology, "--cluster-secret-file", cluster])
        #expect(signal.status != 0)
        #expect(signal.stderr.contains(secretPath))
        #expect(signal.stderr.contains("head -c 32 /dev/urandom | base64"))
    }

    @Test func anRS256TopologyNeedsThePrivateKeyToMakeTokens() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let topology = try Self.topology(auth: "{ algorithm: RS256, public-key-file: jwt.pub }", in: dir)
        let result = try MeridianProcess.run(["token", "--topology", topology, "--room", "standup"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--private-key"))
    }
}
