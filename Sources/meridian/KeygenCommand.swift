import ArgumentParser
import Overlay

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a bridge's private keys and print the public lines for the topology.",
        discussion: """
        Two independent X25519 key pairs are generated with libsodium: the WireGuard \
        identity and the cascade-sealing identity. The private halves go to DIR/ID.key \
        (mode 0600, never overwritten); the public halves are printed ready to paste \
        under `bridges:` in the topology file.
        """
    )

    @Option(help: "The bridge id, as in the topology file.")
    var id: String

    @Option(help: "Directory for ID.key.")
    var out: String = "."

    func run() throws {
        let keys = BridgeKeyFile.generate(id: id)
        let path = out.hasSuffix("/") ? out + "\(id).key" : out + "/\(id).key"
        do {
            try keys.write(to: path)
        } catch {
            throw ValidationError(error.description)
        }
        print("wrote \(path) (mode 0600)")
        print("paste under bridges: in the topology file")
        print(keys.topologyLines)
    }
}
