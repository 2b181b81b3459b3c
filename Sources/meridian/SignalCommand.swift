import ArgumentParser
import Control
import Foundation
import Hummingbird
import Logging
import Signaling
import Topology

struct SignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal",
        abstract: "Run the controller: client API, bridge selection, SDP, the bridges' control channel.",
        discussion: """
        The client API listens on --listen or signaling.listen; the control channel and /metrics \
        on signaling.control and signaling.metrics when the topology sets them, else beside the \
        client API. With signaling.auth, the token key file is read at start.
        """
    )

    @Option(help: "The topology file.")
    var topology: String

    @Option(help: "Listen address of the client API (HOST:PORT); default: signaling.listen of the topology.")
    var listen: String?

    @Option(help: "File holding the cluster secret the bridges' secrets derive from (see 'meridian bridge secret').")
    var clusterSecretFile: String

    func run() async throws {
        let topology = try loadOrExit(self.topology)
        let secret = try readSecret(clusterSecretFile)
        let verifier = try await roomTokenVerifier(topology, path: self.topology)
        let listeners = try controllerListeners(topology, listen: listen)
        let logger = makeLogger("meridian.signal")
        let controller = Controller(topology: topology, registry: BridgeRegistry(topology: topology)) { say($0) }
        let apps = SignalServer.makeApplications(
            controller: controller, listeners: listeners,
            options: .init(clusterSecret: secret, verifier: verifier), logger: logger
        ) { listener, port in
            let bound = SocketAddress(host: listener.address.host, port: UInt16(port))
            let http = controllerURL(bound).replacingOccurrences(of: "ws://", with: "http://")
            if listener.roles.contains(.client) { say("controller: \(http)") }
            if listener.roles.contains(.control) { say("control: \(controllerURL(bound))\(ControlProtocol.path)") }
            if listener.roles.contains(.metrics) { say("metrics: \(http)/metrics") }
        }
        if let auth = topology.signaling.auth {
            say("room tokens: \(auth.algorithm.rawValue)\(auth.required ? ", required" : ", optional")")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { try await app.runService() } }
            // Bridges that go silent without closing their socket: replan
            // their rooms within half a second of the registry's verdict.
            group.addTask { await controller.watchBridges(every: .milliseconds(500)) }
            group.addTask { [path = self.topology] in await controller.follow(topologyFile: path) }
            // The servers return on SIGINT/SIGTERM (graceful shutdown), or
            // one fails to bind; then stop the rest.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// `HOST:PORT` from an option, or the topology's default.
func listenAddress(_ text: String?, default fallback: SocketAddress) throws -> SocketAddress {
    guard let text else { return fallback }
    switch SocketAddress.parse(text, allowingPortZero: true) {
    case .success(let address): return address
    case .failure(let why): throw ValidationError("--listen \(text): \(why)")
    }
}

/// A secret file's bytes, trimmed of surrounding whitespace; at least 16 bytes.
func readSecret(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read the secret file \(path)")
    }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.utf8.count >= 16 else { throw ValidationError("\(path): a secret needs at least 16 characters") }
    return Array(text.utf8)
}

func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["MERIDIAN_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}
