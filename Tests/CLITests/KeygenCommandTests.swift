import Foundation
import Testing
import Overlay
import Topology

struct KeygenCommandTests {
    @Test func keygenWritesAPrivateFileAndPrintsPastablePublicLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keygen-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let result = try MeridianProcess.run(["keygen", "--id", "fra-9", "--out", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        let path = directory.appendingPathComponent("fra-9.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let keys = try BridgeKeyFile.read(from: path)
        #expect(keys.id == "fra-9")
        #expect(keys.wireguard.publicKey != keys.cascade.publicKey)
        #expect(result.stdout.contains("public-key: \"\(keys.wireguard.publicKey.base64)\""))
        #expect(result.stdout.contains("cascade-key: \"\(keys.cascade.publicKey.base64)\""))
        #expect(!result.stdout.contains(Base64.encode(keys.cascade.secretKey)))

        // The printed keys validate inside a real topology.
        let wireguardKey = keys.wireguard.publicKey.base64, cascadeKey = keys.cascade.publicKey.base64
        let topology = try Topology.parse(yaml: """
            version: 1
            name: k
            regions: { eu: { lat: 50, lon: 8 } }
            overlay: { mode: wireguard, network: 10.77.0.0/16 }
            bridges:
              fra-9:
                region: eu
                media: 198.18.0.1:10000
                overlay: 10.77.1.1:4096
                wireguard: { endpoint: 198.18.0.1:51820, public-key: "\(wireguardKey)" }
                cascade-key: "\(cascadeKey)"
            signaling: { default-region: eu }
            """, file: "k.yaml")
        #expect(topology.bridges[0].cascadeKey == keys.cascade.publicKey)

        let again = try MeridianProcess.run(["keygen", "--id", "fra-9", "--out", directory.path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
        #expect(try BridgeKeyFile.read(from: path) == keys, "the existing keys are untouched")
    }

    @Test func keyFileParserRejectsDamagedFiles() {
        #expect(throws: BridgeKeyFile.Failure.self) {
            _ = try BridgeKeyFile.parse("id: x\nwireguard-private-key: AAAA\n", path: "x.key")
        }
        #expect(throws: BridgeKeyFile.Failure.missing("x.key", field: "id")) {
            let k = BridgeKeyFile.generate(id: "x")
            _ = try BridgeKeyFile.parse(k.text.replacingOccurrences(of: "id: x\n", with: ""), path: "x.key")
        }
    }
}
