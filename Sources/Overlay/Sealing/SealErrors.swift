/// Why a datagram could not be sealed. Each case says what to do.
public enum SealError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownPeer(SealPeerHandle)
    case noSession(peer: String)
    case sessionExhausted(peer: String)
    case bufferTooSmall(needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unknownPeer(let handle):
            return "\(handle) is not a peer of this bridge (it was removed from the topology; resolve the peer again with peer(id:))"
        case .noSession(let peer):
            return "no sealed session with \(peer) yet (call connect(to:) and send its hello; sealing starts when the handshake completes)"
        case .sessionExhausted(let peer):
            return "the session with \(peer) reached its hard packet or time limit and renewal has not completed (check that \(peer) is reachable on its overlay address)"
        case .bufferTooSmall(let needed, let available):
            return "buffer holds \(available) octets but the sealed datagram needs \(needed) (16 header + payload + 16 tag)"
        }
    }
}

/// Why a `SealRegistry` could not be set up from keys and a topology.
public enum SealSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidPolicy([String])
    case notInTopology(String)
    case missingCascadeKey(String)
    case keyMismatch(String)
    case duplicatePeer(String)
    case peerIsSelf(String)
    case sharedKey(String, String)
    case unusableKey(String)
    case tooManyPeers(Int)

    public var description: String {
        switch self {
        case .invalidPolicy(let problems):
            return "invalid sealing policy: " + problems.joined(separator: "; ")
        case .notInTopology(let id):
            return "bridge '\(id)' is not in the topology (check --id and the key file's id: line)"
        case .missingCascadeKey(let id):
            return "bridge '\(id)' has no cascade-key in the topology (run `meridian keygen --id \(id)` and paste its cascade-key line)"
        case .keyMismatch(let id):
            return "the key file's cascade private key does not match the cascade-key of '\(id)' in the topology (wrong key file, or the topology was not updated after keygen)"
        case .duplicatePeer(let id):
            return "peer '\(id)' is listed twice"
        case .peerIsSelf(let id):
            return "peer '\(id)' is this bridge itself"
        case .sharedKey(let first, let second):
            return "bridges '\(first)' and '\(second)' have the same cascade-key (every bridge needs its own: run `meridian keygen` for each)"
        case .unusableKey(let id):
            return "the cascade-key of '\(id)' is not a usable X25519 public key (libsodium rejects it; regenerate it with `meridian keygen --id \(id)`)"
        case .tooManyPeers(let count):
            return "\(count) peers; a bridge seals with at most 65,536"
        }
    }
}
