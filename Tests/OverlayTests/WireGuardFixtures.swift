import Foundation
import Overlay
import Topology

/// A wireguard-mode topology of a few bridges with freshly generated keys,
/// both as a `Topology` value (unit tests) and as the YAML file an operator
/// would write (tests that run the real binary).
struct WireGuardMeshFixture {
    struct Node {
        var id: String
        var keys: BridgeKeyFile
        /// Overlay IP, inside `network`.
        var overlay: IPAddress
        /// Underlay address other bridges send WireGuard packets to.
        var endpoint: SocketAddress
    }

    var nodes: [Node]
    var network = CIDR(address: IPAddress("10.77.0.0")!, prefixLength: 16)
    var wireguardPort: UInt16 = 51820
    static let overlayPort: UInt16 = 4096

    /// Node i gets overlay 10.77.1.(i+1) and underlay 192.168.77.(i+1):51820.
    init(ids: [String]) {
        nodes = ids.enumerated().map { index, id in
            Node(id: id, keys: .generate(id: id), overlay: IPAddress("10.77.1.\(index + 1)")!,
                 endpoint: SocketAddress(host: IPAddress("192.168.77.\(index + 1)")!, port: 51820))
        }
    }

    func node(_ id: String) -> Node { nodes.first { $0.id == id }! }

    var topology: Topology {
        Topology(name: "netns-lab",
                 regions: [Region(name: "lab", latitude: 50.11, longitude: 8.68)],
                 overlay: OverlaySettings(mode: .wireguard, network: network, wireguardPort: wireguardPort),
                 bridges: nodes.map { node in
                     Bridge(id: node.id, region: "lab", media: SocketAddress(host: node.endpoint.host, port: 10000),
                            overlay: SocketAddress(host: node.overlay, port: Self.overlayPort),
                            wireguard: WireGuardPeer(endpoint: node.endpoint, publicKey: node.keys.wireguard.publicKey),
                            cascadeKey: node.keys.cascade.publicKey)
                 },
                 signaling: SignalingSettings(listen: SocketAddress(host: IPAddress("127.0.0.1")!, port: 8080),
                                              defaultRegion: "lab"))
    }

    var yaml: String {
        var text = """
        version: 1
        name: netns-lab
        regions:
          lab: { lat: 50.11, lon: 8.68 }
        overlay:
          mode: wireguard
          network: \(network)
          wireguard-port: \(wireguardPort)
        bridges:

        """
        for node in nodes {
            text += """
              \(node.id):
                region: lab
                media: \(node.endpoint.host):10000
                overlay: \(node.overlay):\(Self.overlayPort)
                wireguard: { endpoint: \(node.endpoint), public-key: "\(node.keys.wireguard.publicKey)" }
                cascade-key: "\(node.keys.cascade.publicKey)"

            """
        }
        text += """
        signaling:
          listen: 127.0.0.1:8080
          default-region: lab

        """
        return text
    }

    /// Writes `topology.yaml` and every `ID.key` into `directory` (the layout
    /// `meridian overlay up` expects by default); returns the topology path.
    @discardableResult
    func write(to directory: URL, keys: Bool = true) throws -> String {
        let path = directory.appendingPathComponent("topology.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        if keys {
            for node in nodes where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(node.id).key").path) {
                try node.keys.write(to: directory.appendingPathComponent("\(node.id).key").path)
            }
        }
        return path
    }
}

/// A fresh directory under /tmp, removed by the caller's `defer`.
func makeTemporaryDirectory(_ tag: String) throws -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("meridian-\(tag)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
