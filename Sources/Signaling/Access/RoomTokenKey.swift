import Foundation
import JWTKit
import Topology

/// The key that room tokens are checked with (`signaling.auth`): the shared
/// HS256 secret or the RS256 public key, read once when the controller
/// starts. A key that cannot be read is a startup error naming the file, not
/// a controller that refuses every join at runtime. Immutable, `Sendable`.
public enum RoomTokenKey: Sendable {
    /// HS256: the secret file's text, trimmed of surrounding whitespace, used
    /// as the HMAC key byte for byte (so any JWT library given the same text
    /// makes tokens the controller accepts).
    case secret([UInt8])
    /// RS256: the PEM public key (or certificate) of whoever signs tokens.
    case publicKey(Insecure.RSA.PublicKey)

    /// RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
    public static let minimumSecretBytes = 32

    /// Why a key file is unusable; the message names the file and how to fix it.
    public struct LoadError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// Reads the key file of `settings`, resolved against the topology's directory.
    public static func load(_ settings: AuthSettings, topologyPath: String) throws(LoadError) -> RoomTokenKey {
        let (text, path) = try read(settings, topologyPath: topologyPath)
        return try parse(text, settings: settings, path: path)
    }

    /// The HS256 secret of `settings` (an HS256 `signaling.auth`), for
    /// whoever signs tokens with it (`meridian token`); checked as `load` does.
    public static func loadSecret(_ settings: AuthSettings, topologyPath: String) throws(LoadError) -> [UInt8] {
        let (text, path) = try read(settings, topologyPath: topologyPath)
        return try secret(text, path: path)
    }

    /// The key file's text, trimmed; never empty.
    private static func read(_ settings: AuthSettings,
                             topologyPath: String) throws(LoadError) -> (text: String, path: String) {
        let path = settings.resolvedKeyFile(relativeTo: topologyPath)
        guard let data = FileManager.default.contents(atPath: path) else {
            let fix = settings.algorithm == .hs256
                ? "create it with: head -c 32 /dev/urandom | base64 > \(path)"
                : "give the PEM public key of the token signer"
            throw LoadError(path: path, problem: "cannot read the \(settings.algorithm.keyFileField) of signaling.auth (\(fix))")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw LoadError(path: path, problem: "the \(settings.algorithm.keyFileField) of signaling.auth is empty")
        }
        return (text, path)
    }

    /// An HS256 secret file's trimmed text as the HMAC key.
    private static func secret(_ text: String, path: String) throws(LoadError) -> [UInt8] {
        guard text.utf8.count >= minimumSecretBytes else {
            throw LoadError(path: path, problem: "an HS256 secret needs at least \(minimumSecretBytes) bytes; "
                            + "make one with: head -c 32 /dev/urandom | base64 > \(path)")
        }
        return Array(text.utf8)
    }

    /// The key from a key file's trimmed text.
    static func parse(_ text: String, settings: AuthSettings, path: String) throws(LoadError) -> RoomTokenKey {
        switch settings.algorithm {
        case .hs256:
            return .secret(try secret(text, path: path))
        case .rs256:
            if text.contains("PRIVATE KEY") {
                throw LoadError(path: path, problem: "holds a private key; the controller needs only the public key "
                                + "(openssl rsa -in PRIVATE.pem -pubout)")
            }
            if let key = try? Insecure.RSA.PublicKey(pem: text) { return .publicKey(key) }
            if let key = try? Insecure.RSA.PublicKey(certificatePEM: text) { return .publicKey(key) }
            throw LoadError(path: path, problem: "not a PEM RSA public key or certificate of at least 2048 bits")
        }
    }
}
