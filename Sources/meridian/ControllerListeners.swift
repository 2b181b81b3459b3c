import ArgumentParser
import Signaling
import Topology

/// What `meridian signal` and `meridian up` share when they start a
/// controller: where its listeners go and the room-token verifier.

/// The controller's listeners: the client API on `--listen` or
/// `signaling.listen`; the control channel and `/metrics` on
/// `signaling.control` / `signaling.metrics` when set, else beside the client
/// API (so `--listen` moves them too, as it always did).
func controllerListeners(_ topology: Topology, listen: String?) throws -> [SignalServer.Listener] {
    let client = try listenAddress(listen, default: topology.signaling.listen)
    return SignalServer.listeners(client: client, control: topology.signaling.control ?? client,
                                  metrics: topology.signaling.metrics ?? client)
}

/// The verifier of `signaling.auth`, with its key file read now: a missing,
/// unreadable, empty or unusable file stops the start with its path.
func roomTokenVerifier(_ topology: Topology, path: String) async throws -> RoomTokenVerifier? {
    guard let auth = topology.signaling.auth else { return nil }
    let key: RoomTokenKey
    do throws(RoomTokenKey.LoadError) { key = try RoomTokenKey.load(auth, topologyPath: path) } catch {
        throw ValidationError("\(error)")
    }
    return await RoomTokenVerifier(settings: auth, key: key)
}

/// The ports the controller's listeners bound, by role, once listening.
actor BoundPorts {
    private var ports: [SignalServer.Role: Int] = [:]
    private var waiters: [SignalServer.Role: [CheckedContinuation<Int, Never>]] = [:]

    func set(_ listener: SignalServer.Listener, port: Int) {
        for role in listener.roles {
            ports[role] = port
            for waiter in waiters.removeValue(forKey: role) ?? [] { waiter.resume(returning: port) }
        }
    }

    func port(_ role: SignalServer.Role) async -> Int {
        if let port = ports[role] { return port }
        return await withCheckedContinuation { waiters[role, default: []].append($0) }
    }
}
