import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Signaling
import Topology

/// Real listeners for the route tests: the ports they bound, and one HTTP
/// request at a time to them over TCP (so the peer address, the listener
/// split and the wire format are the real ones).
actor LiveListeners {
    private var ports: [SignalServer.Role: (host: String, port: Int)] = [:]

    func bound(_ listener: SignalServer.Listener, port: Int) {
        for role in listener.roles { ports[role] = (listener.address.host.description, port) }
    }

    /// The host and port serving `role`, once bound (generous: the whole
    /// suite runs in parallel on a 2-core machine).
    func address(_ role: SignalServer.Role) async throws -> (host: String, port: Int) {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let address = ports[role] { return address }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw Timeout(role: role)
    }

    struct Timeout: Error { let role: SignalServer.Role }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var contentType: String?
    }

    /// Sends one request to the listener serving `role`.
    func send(_ role: SignalServer.Role, _ method: HTTPRequest.Method, _ uri: String,
              headers: HTTPFields = [:], json: String? = nil) async throws -> Reply {
        let (host, port) = try await address(role)
        return try await Self.send(host: host, port: port, method, uri, headers: headers, json: json)
    }

    static func send(host: String, port: Int, _ method: HTTPRequest.Method, _ uri: String,
                     headers: HTTPFields = [:], json: String? = nil) async throws -> Reply {
        try await TestClient.withClient(host: host, port: port) { client in
            var headers = headers
            if json != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(.init(uri, method: method, authority: "\(host):\(port)",
                                                          headers: headers, body: json.map { ByteBuffer(string: $0) }))
            return Reply(status: Int(response.status.code), body: response.body.map { String(buffer: $0) } ?? "",
                         contentType: response.headers[.contentType])
        }
    }

    /// Runs `apps` while `body` runs, then stops them.
    static func serving<T: Sendable>(_ apps: [Application<RouterResponder<SignalContext>>],
                                     _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { try await app.runService() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

/// Lines of a Prometheus text exposition, for the metrics tests.
struct Exposition {
    let text: String

    /// The value of the series `name{labels}` (labels in the order emitted), if present.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), line[..<space] == series[...] else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }

    /// Whether the exposition declares `name` with `# TYPE name type`.
    func declares(_ name: String, type: String) -> Bool {
        text.split(separator: "\n").contains { $0 == "# TYPE \(name) \(type)" }
    }
}
