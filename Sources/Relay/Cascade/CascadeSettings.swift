import Overlay
import Topology

/// What a bridge needs to cascade: where its overlay socket listens, its
/// cascade key pair, and how often links are pinged.
public struct CascadeSettings: Sendable {
    /// The topology's `overlay` address of this bridge (port 0 picks one, for tests).
    public var overlay: PeerAddress
    public var key: KeyPair
    /// Ping interval per link (DESIGN §5: 100 ms); `missedPongs` of them
    /// without a pong and the link is down.
    public var pingInterval: Duration
    public var missedPongs: Int

    public init(overlay: PeerAddress, key: KeyPair, pingInterval: Duration = .milliseconds(100), missedPongs: Int = 3) {
        self.overlay = overlay
        self.key = key
        self.pingInterval = pingInterval
        self.missedPongs = missedPongs
    }
}

/// Another bridge this one may link to: its overlay address and cascade public key.
public struct CascadePeer: Sendable, Equatable {
    public var id: String
    public var overlay: PeerAddress
    public var publicKey: PublicKey

    public init(id: String, overlay: PeerAddress, publicKey: PublicKey) {
        self.id = id
        self.overlay = overlay
        self.publicKey = publicKey
    }
}
