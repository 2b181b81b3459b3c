import ArgumentParser
import Foundation
import Signaling
import Topology

/// `meridian token`: a room token for testing and for operators (issue 6).
/// Applications would normally mint tokens in their own backend with any JWT
/// library; this prints one signed the same way.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a JWT room token for signaling.auth of a topology.",
        discussion: """
        HS256 tokens are signed with the topology's secret-file. RS256 tokens need the private key \
        that matches public-key-file (the controller holds only the public half): pass it with \
        --private-key. The token carries room, exp (now + --ttl), iss when the topology sets an \
        issuer, and name when given. --room '*' makes a token for any room.
        """
    )

    @Option(help: "The topology file.")
    var topology: String

    @Option(help: "The room the token admits to ('*': any room).")
    var room: String

    @Option(help: "The participant's display name (replaces the join request's name).")
    var name: String?

    @Option(help: "Seconds until the token expires.")
    var ttl: Int = 3600

    @Option(help: "RS256 only: the PEM private key that signs tokens.")
    var privateKey: String?

    func validate() throws {
        guard ttl > 0 else { throw ValidationError("--ttl must be at least 1 second") }
        guard !room.isEmpty else { throw ValidationError("--room must not be empty") }
    }

    func run() async throws {
        let topology = try loadOrExit(self.topology)
        guard let auth = topology.signaling.auth else {
            throw ValidationError("\(self.topology) has no signaling.auth: its joins need no token")
        }
        let signingKey: RoomTokenIssuer.SigningKey
        switch auth.algorithm {
        case .hs256:
            guard privateKey == nil else { throw ValidationError("--private-key is for RS256; this topology uses HS256") }
            do throws(RoomTokenKey.LoadError) {
                signingKey = .secret(try RoomTokenKey.loadSecret(auth, topologyPath: self.topology))
            } catch {
                throw ValidationError("\(error)")
            }
        case .rs256:
            guard let privateKey else {
                throw ValidationError("RS256 tokens are signed with the private key matching public-key-file "
                                      + "(\(auth.resolvedKeyFile(relativeTo: self.topology))): pass --private-key FILE")
            }
            guard let data = FileManager.default.contents(atPath: privateKey) else {
                throw ValidationError("cannot read the private key file \(privateKey)")
            }
            do { signingKey = .privateKey(try RoomTokenIssuer.privateKey(pem: String(decoding: data, as: UTF8.self))) } catch {
                throw ValidationError("\(privateKey): not a PEM RSA private key of at least 2048 bits")
            }
        }
        let claims = RoomTokenClaims(room: room, expires: Date().addingTimeInterval(TimeInterval(ttl)),
                                     issuer: auth.issuer, name: name)
        say(try await RoomTokenIssuer(signingKey).sign(claims))
    }
}
