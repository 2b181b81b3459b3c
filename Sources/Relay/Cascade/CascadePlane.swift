import Cascade
import Control
import Overlay

/// The bridge's overlay side: one UDP socket for all cascade links, the
/// sealed links (`SealRegistry`), and the `CascadeLink` of each neighbour.
/// Every datagram on this socket is a sealed envelope; frames are written at
/// offset 16 of a send slot and sealed in place, so sending does not copy.
///
/// Single-threaded: owned by the media thread, next to the media socket.
final class CascadePlane {
    let localId: String
    let socket: UDPSocket
    let registry: SealRegistry
    let settings: CascadeSettings
    let receiveBatch = DatagramBatch(capacity: 32)
    let outbox: Outbox
    private(set) var peers: [String: CascadePeer] = [:]
    private(set) var links: [String: CascadeLink] = [:]
    /// By `SealPeerHandle.rawValue`, for the receive path.
    private var linksByHandle: [UInt32: CascadeLink] = [:]
    /// Link state changes for the controller, drained by `MediaBridge`.
    var linkEvents: [LinkEvent] = []
    /// `--emulate-wan`: one-way delay toward each peer.
    var linkDelays: [String: Duration] = [:]
    /// The envelope's authentication tag after the frame.
    static let tagSize = SealHeader.sealedSize(payloadLength: 0) - SealHeader.size

    init(localId: String, settings: CascadeSettings) throws {
        self.localId = localId
        self.settings = settings
        socket = try UDPSocket(bind: settings.overlay)
        outbox = Outbox(socket: socket)
        registry = try SealRegistry(localId: localId, localKey: settings.key, peers: [])
    }

    /// Adopts the other bridges of the topology. Links to peers that left
    /// are dropped; a peer whose address changed keeps its link.
    func setPeers(_ list: [CascadePeer]) throws {
        let others = list.filter { $0.id != localId }
        try registry.updatePeers(others.map { SealPeerIdentity(id: $0.id, publicKey: $0.publicKey) })
        peers = Dictionary(others.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for (id, link) in links {
            guard let peer = peers[id], let handle = registry.peer(id: id) else {
                links[id] = nil
                linksByHandle[link.handle.rawValue] = nil
                continue
            }
            link.address = peer.overlay
            if handle != link.handle {
                linksByHandle[link.handle.rawValue] = nil
                link.handle = handle
                linksByHandle[handle.rawValue] = link
            }
        }
    }

    /// The link to `peer`, created on first use (by a cascade command, or
    /// by the peer's first authentic datagram).
    func link(to peer: String, now: ContinuousClock.Instant) -> CascadeLink? {
        if let existing = links[peer] { return existing }
        guard let known = peers[peer], let handle = registry.peer(id: peer) else { return nil }
        let link = CascadeLink(peer: peer, address: known.overlay, handle: handle,
                               liveness: LinkLiveness(interval: settings.pingInterval, missLimit: settings.missedPongs,
                                                      now: now))
        links[peer] = link
        linksByHandle[handle.rawValue] = link
        if let hello = registry.connect(to: handle, now: now) { sendRaw(hello.datagram, to: link) }
        return link
    }

    func link(handle: SealPeerHandle, now: ContinuousClock.Instant) -> CascadeLink? {
        if let link = linksByHandle[handle.rawValue] { return link }
        return registry.peerId(handle).flatMap { link(to: $0, now: now) }
    }

    // MARK: Sending

    /// The space a frame is written into: a send slot past the envelope header.
    func frameSlot() -> UnsafeMutableRawBufferPointer {
        let slot = outbox.slot()
        return UnsafeMutableRawBufferPointer(rebasing: slot[SealHeader.size..<(slot.count - CascadePlane.tagSize)])
    }

    /// Seals the frame written into `frameSlot()` and queues it; false when
    /// the link has no session yet (the frame is not sent).
    @discardableResult
    func commitFrame(length: Int, to link: CascadeLink, now: ContinuousClock.Instant) -> Bool {
        // The same slot `frameSlot()` handed out: it is not full, so no flush moves it.
        guard let sealed = try? registry.seal(to: link.handle, payloadLength: length, in: outbox.slot(), now: now) else {
            return false
        }
        outbox.commit(length: sealed, to: link.address, delay: linkDelays[link.peer])
        link.packetsOut &+= 1
        link.bytesOut &+= UInt64(sealed)
        return true
    }

    /// Handshake messages, which come already sealed/MAC'd as bytes.
    func sendRaw(_ datagram: [UInt8], to link: CascadeLink) {
        guard datagram.count <= DatagramBatch.slotSize else { return }
        let slot = outbox.slot()
        datagram.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: datagram.count) }
        outbox.commit(length: datagram.count, to: link.address, delay: linkDelays[link.peer])
    }

    /// Seal timers: retried hellos, renewals.
    func tickSeals(now: ContinuousClock.Instant) {
        for outbound in registry.tick(now: now) {
            guard let link = link(handle: outbound.peer, now: now) else { continue }
            sendRaw(outbound.datagram, to: link)
        }
    }

    var linkStats: [LinkStats] {
        links.values.sorted { $0.peer < $1.peer }.map(\.stats)
    }
}

@available(*, unavailable)
extension CascadePlane: Sendable {}
