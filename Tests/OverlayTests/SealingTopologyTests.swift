import Testing
@testable import Overlay
import Topology

/// Building a registry from the topology and the bridge's key file, and
/// applying topology edits.
@Suite struct SealingTopologyTests {
    private func topology(_ keys: [String: KeyPair?]) throws -> Topology {
        var yaml = """
            version: 1
            name: sealing-test
            regions:
              eu-central: { lat: 50.11, lon: 8.68 }
            overlay:
              mode: loopback
            bridges:

            """
        for (index, id) in keys.keys.sorted().enumerated() {
            yaml += "  \(id):\n    region: eu-central\n    media: 127.0.0.1:\(10_000 + index)\n    overlay: 127.0.0.1:\(4_000 + index)\n"
            if let key = keys[id] ?? nil { yaml += "    cascade-key: \"\(key.publicKey.base64)\"\n" }
        }
        yaml += """
            signaling:
              listen: 127.0.0.1:8080
              default-region: eu-central

            """
        return try Topology.parse(yaml: yaml, file: "sealing-test.yaml")
    }

    @Test func registryFromTopologyHasEveryOtherBridgeAsPeer() throws {
        let keys = ["fra-1": SealingFixture.key(1), "fra-2": SealingFixture.key(2), "iad-1": SealingFixture.key(3)]
        let file = BridgeKeyFile(id: "fra-1", wireguard: .generate(), cascade: keys["fra-1"]!)
        let registry = try SealRegistry(topology: try topology(keys), keys: file)
        #expect(registry.localId == "fra-1")
        #expect(Set(registry.peerHandles.compactMap { registry.peerId($0) }) == ["fra-2", "iad-1"])
    }

    @Test func bridgeMissingFromTopologyIsNamed() throws {
        let file = BridgeKeyFile(id: "ghost-1", wireguard: .generate(), cascade: SealingFixture.key(9))
        #expect(throws: SealSetupError.notInTopology("ghost-1")) {
            try SealRegistry(topology: try topology(["fra-1": SealingFixture.key(1)]), keys: file)
        }
    }

    @Test func peerWithoutCascadeKeyIsNamed() throws {
        let file = BridgeKeyFile(id: "fra-1", wireguard: .generate(), cascade: SealingFixture.key(1))
        #expect(throws: SealSetupError.missingCascadeKey("fra-2")) {
            try SealRegistry(topology: try topology(["fra-1": SealingFixture.key(1), "fra-2": nil]), keys: file)
        }
    }

    @Test func keyFileNotMatchingTopologyIsRefused() throws {
        let file = BridgeKeyFile(id: "fra-1", wireguard: .generate(), cascade: SealingFixture.key(7))
        #expect(throws: SealSetupError.keyMismatch("fra-1")) {
            try SealRegistry(topology: try topology(["fra-1": SealingFixture.key(1), "fra-2": SealingFixture.key(2)]),
                             keys: file)
        }
    }

    @Test func sharedCascadeKeyIsRefused() throws {
        let shared = SealingFixture.key(5)
        #expect(throws: SealSetupError.sharedKey("fra-2", "iad-1")) {
            try SealRegistry(localId: "fra-1", localKey: SealingFixture.key(1),
                             peers: [SealPeerIdentity(id: "fra-2", publicKey: shared.publicKey),
                                     SealPeerIdentity(id: "iad-1", publicKey: shared.publicKey)])
        }
    }

    @Test func lowOrderCascadeKeyIsRefused() {
        #expect(throws: SealSetupError.unusableKey("fra-2")) {
            try SealRegistry(localId: "fra-1", localKey: SealingFixture.key(1),
                             peers: [SealPeerIdentity(id: "fra-2", publicKey: PublicKeyFixture.allZero)])
        }
    }

    @Test func topologyEditKeepsUnchangedLinksAndDropsRemovedOnes() throws {
        let a = try TestBridge("fra-1", seed: 1, peers: [("fra-2", 2), ("iad-1", 3)])
        let b = try TestBridge("fra-2", seed: 2, peers: [("fra-1", 1)])
        let pair = BridgePair(a: a, b: b)
        pair.handshake(from: a)
        let kept = a.handle("fra-2"), removed = a.handle("iad-1")
        // iad-1 leaves, sin-1 joins.
        try a.registry.updatePeers([SealPeerIdentity(id: "fra-2", publicKey: SealingFixture.key(2).publicKey),
                                    SealPeerIdentity(id: "sin-1", publicKey: SealingFixture.key(4).publicKey)])
        #expect(a.registry.peer(id: "fra-2") == kept)
        #expect(a.registry.status(kept)?.state == .established)
        #expect(b.open(try a.seal([1], to: "fra-2")) == .success([1]))
        #expect(a.registry.status(removed) == nil)
        let joined = try #require(a.registry.peer(id: "sin-1"))
        #expect(joined != removed)
        #expect(a.registry.status(joined)?.state == .idle)
    }

    @Test func invalidEditChangesNothing() throws {
        let a = try TestBridge("fra-1", seed: 1, peers: [("fra-2", 2)])
        let before = a.handle("fra-2")
        #expect(throws: SealSetupError.duplicatePeer("sin-1")) {
            try a.registry.updatePeers([SealPeerIdentity(id: "sin-1", publicKey: SealingFixture.key(4).publicKey),
                                        SealPeerIdentity(id: "sin-1", publicKey: SealingFixture.key(5).publicKey)])
        }
        #expect(a.registry.peer(id: "fra-2") == before)
    }
}
