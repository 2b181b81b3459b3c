/// How room tokens presented on join are verified (`signaling.auth`).
public enum JWTAlgorithm: String, Sendable, Equatable, CaseIterable {
    /// HMAC-SHA-256 with a shared secret (`secret-file`).
    case hs256 = "HS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256, verified with a PEM public key (`public-key-file`).
    case rs256 = "RS256"

    /// The topology key naming this algorithm's key file.
    public var keyFileField: String {
        switch self {
        case .hs256: return "secret-file"
        case .rs256: return "public-key-file"
        }
    }
}

/// JWT room tokens on join (`signaling.auth`). Only the path of the key file
/// is part of the topology: validating a topology never reads it, so a file
/// can be checked on a machine that does not hold the secret. Value type,
/// `Sendable`.
public struct AuthSettings: Sendable, Equatable {
    public var algorithm: JWTAlgorithm
    /// The path as written in the file: the shared secret for HS256, the PEM
    /// public key for RS256. Relative paths are relative to the topology
    /// file's directory; see `resolvedKeyFile(relativeTo:)`.
    public var keyFile: String
    /// The `iss` claim a token must carry; `nil`: any issuer.
    public var issuer: String?
    /// Whether a join without a token is refused.
    public var required: Bool

    public init(algorithm: JWTAlgorithm, keyFile: String, issuer: String? = nil, required: Bool = true) {
        self.algorithm = algorithm
        self.keyFile = keyFile
        self.issuer = issuer
        self.required = required
    }

    /// `keyFile` resolved against the directory of `topologyFile` (the path the
    /// topology was loaded from, as given to `Topology.load(path:)`). Pure
    /// string work: no file is touched, absolute paths are returned unchanged,
    /// and a topology file without a directory leaves the path relative to the
    /// working directory, which is that file's directory.
    public func resolvedKeyFile(relativeTo topologyFile: String) -> String {
        guard !keyFile.hasPrefix("/"), let slash = topologyFile.lastIndex(of: "/") else { return keyFile }
        let directory = topologyFile[..<slash]
        return directory.isEmpty ? "/" + keyFile : directory + "/" + keyFile
    }
}
