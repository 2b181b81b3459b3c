import Cascade
import Control
import Overlay

/// This bridge's link to one other bridge: where to send, the sealed
/// session's handle, liveness, and what crossed it (all conferences).
///
/// Single-threaded: owned by the media thread.
final class CascadeLink {
    let peer: String
    var address: PeerAddress
    var handle: SealPeerHandle
    var liveness: LinkLiveness
    /// Whether some conference routes through this link (only those are pinged).
    var inUse = false
    var packetsIn: UInt64 = 0
    var packetsOut: UInt64 = 0
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    /// The conference the last frame from this peer named (see `cascadedConference`).
    var lastConference: Conference?

    init(peer: String, address: PeerAddress, handle: SealPeerHandle, liveness: LinkLiveness) {
        self.peer = peer
        self.address = address
        self.handle = handle
        self.liveness = liveness
    }

    var stats: LinkStats {
        LinkStats(peer: peer, up: liveness.state == .up, rttMs: liveness.rttMilliseconds, packetsIn: packetsIn,
                  packetsOut: packetsOut, bytesIn: bytesIn, bytesOut: bytesOut)
    }
}

/// What one conference sent and received over one link (a tree edge's load).
final class ConferenceLinkCounters {
    var packetsIn: UInt64 = 0
    var packetsOut: UInt64 = 0
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
}

/// One stream's copy onto one link (the cascade counterpart of `Consumer`):
/// the producer writes a frame for each link consumer, and counts the
/// copies so tests and stats can show a link carries a stream once.
final class LinkConsumer {
    unowned let link: CascadeLink
    let counters: ConferenceLinkCounters
    var packets: UInt64 = 0

    init(link: CascadeLink, counters: ConferenceLinkCounters) {
        self.link = link
        self.counters = counters
    }
}

@available(*, unavailable)
extension CascadeLink: Sendable {}
@available(*, unavailable)
extension LinkConsumer: Sendable {}
@available(*, unavailable)
extension ConferenceLinkCounters: Sendable {}
