import CSodium
import Topology

extension SealRegistry {
    /// Applies a new peer list (after a topology edit) without disturbing the
    /// links that did not change: a peer with the same id and key keeps its
    /// sessions; a removed peer's slot is freed (its handle stops working); a
    /// new peer or one with a new key starts from scratch. Validates the whole
    /// list first and changes nothing if it is invalid.
    public func updatePeers(_ peers: [SealPeerIdentity]) throws(SealSetupError) {
        guard peers.count <= 1 << 16 else { throw .tooManyPeers(peers.count) }
        var seenIds: Set<String> = []
        var ownerOfKey: [PublicKey: String] = [localKey.publicKey: localId]
        var secrets: [String: StaticLinkSecrets] = [:]
        for peer in peers {
            guard peer.id != localId else { throw .peerIsSelf(peer.id) }
            guard seenIds.insert(peer.id).inserted else { throw .duplicatePeer(peer.id) }
            if let owner = ownerOfKey[peer.publicKey] { throw .sharedKey(owner, peer.id) }
            ownerOfKey[peer.publicKey] = peer.id
            if let slot = slotsById[peer.id], let link = links[slot], link.identity == peer { continue }
            guard let derived = StaticLinkSecrets(localId: localId, local: localKey,
                                                  peerId: peer.id, peer: peer.publicKey) else {
                throw .unusableKey(peer.id)
            }
            secrets[peer.id] = derived
        }

        let wanted = Set(peers)
        for (slot, link) in links.enumerated() {
            if let link, !wanted.contains(link.identity) {
                links[slot] = nil
                slotsById[link.identity.id] = nil
                slotsByKey[link.identity.publicKey] = nil
            }
        }
        for peer in peers {
            guard let derived = secrets[peer.id] else { continue }
            let slot = links.firstIndex(where: { $0 == nil }) ?? links.count
            if slot == links.count { links.append(nil) }
            let link = PeerLink(identity: peer, localIndex: freshIndex(slot: slot),
                                secrets: derived, firstKeyId: randomByte())
            links[slot] = link
            slotsById[peer.id] = slot
            slotsByKey[peer.publicKey] = slot
        }
    }

    /// Slot in the low 16 bits, a random non-zero tag in the high 16 bits that
    /// differs from the slot's previous tag, so an old handle never matches.
    private func freshIndex(slot: Int) -> UInt32 {
        if slot == retiredIndexes.count { retiredIndexes.append(0) }
        var index: UInt32
        repeat {
            index = randombytes_uniform(1 << 16) << 16 | UInt32(slot)
        } while index >> 16 == 0 || index == retiredIndexes[slot]
        retiredIndexes[slot] = index
        return index
    }

    private func randomByte() -> UInt8 {
        UInt8(truncatingIfNeeded: randombytes_uniform(256))
    }
}
