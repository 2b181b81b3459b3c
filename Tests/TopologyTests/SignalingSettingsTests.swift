import Foundation
import Testing
@testable import Topology

/// The controller's listeners, trusted proxies and room-token settings, and
/// the bridges' metrics listeners (`signaling.*`, `bridges.*.metrics`).
struct SignalingSettingsTests {
    /// A valid loopback topology whose signaling section ends with `signaling`
    /// (indented two spaces) and whose bridges carry `fraMetrics`/`iadMetrics`.
    static func yaml(signaling: String = "", fraMetrics: String? = nil, iadMetrics: String? = nil) -> String {
        """
        version: 1
        name: t
        regions:
          eu: { lat: 50, lon: 8 }
        overlay: { mode: loopback }
        bridges:
          fra-1:
            region: eu
            media: 127.0.0.1:10001
            overlay: 127.0.0.1:4101
        \(fraMetrics.map { "    metrics: \($0)" } ?? "")
          iad-1:
            region: eu
            media: 127.0.0.1:10002
            overlay: 127.0.0.1:4102
        \(iadMetrics.map { "    metrics: \($0)" } ?? "")
        signaling:
          listen: 0.0.0.0:8080
          default-region: eu
        \(signaling)
        """
    }

    static func parse(_ text: String) throws(TopologyError) -> Topology {
        try Topology.parse(yaml: text, file: "t.yaml")
    }

    static func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func absentFieldsMeanOneSharedListenerNoProxiesAndNoAuth() throws {
        let topology = try Self.parse(Self.yaml())
        let signaling = topology.signaling
        #expect(signaling.control == nil && signaling.metrics == nil)
        #expect(signaling.controlListener == signaling.listen && signaling.metricsListener == signaling.listen)
        #expect(signaling.trustedProxies.isEmpty)
        #expect(signaling.auth == nil)
        #expect(topology.bridges.allSatisfy { $0.metrics == nil })
    }

    @Test func everyNewFieldIsReadWithItsValue() throws {
        let topology = try Self.parse(Self.yaml(signaling: """
              control: 0.0.0.0:8081
              metrics: "[::1]:9090"
              trusted-proxies: ["10.0.0.0/8", "::1/128"]
              auth:
                algorithm: HS256
                secret-file: secrets/jwt.secret
                issuer: meridian
                required: false
            """, fraMetrics: "127.0.0.1:9101"))
        let signaling = topology.signaling
        #expect(signaling.control?.description == "0.0.0.0:8081")
        #expect(signaling.metrics?.description == "[::1]:9090")
        #expect(signaling.controlListener.description == "0.0.0.0:8081")
        #expect(signaling.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(signaling.auth == AuthSettings(algorithm: .hs256, keyFile: "secrets/jwt.secret",
                                               issuer: "meridian", required: false))
        #expect(topology.bridge(id: "fra-1")?.metrics?.description == "127.0.0.1:9101")
        #expect(topology.bridge(id: "iad-1")?.metrics == nil)
    }

    @Test func rs256ReadsAPublicKeyFileAndTokensAreRequiredByDefault() throws {
        let topology = try Self.parse(Self.yaml(signaling: """
              auth: { algorithm: RS256, public-key-file: /etc/meridian/jwt.pem }
            """))
        let auth = try #require(topology.signaling.auth)
        #expect(auth.algorithm == .rs256 && auth.algorithm.rawValue == "RS256")
        #expect(auth.keyFile == "/etc/meridian/jwt.pem")
        #expect(auth.issuer == nil)
        #expect(auth.required)
    }

    @Test func algorithmsNameTheirKeyFileField() {
        #expect(JWTAlgorithm.allCases.map(\.rawValue) == ["HS256", "RS256"])
        #expect(JWTAlgorithm.hs256.keyFileField == "secret-file")
        #expect(JWTAlgorithm.rs256.keyFileField == "public-key-file")
    }

    @Test func keyFileResolvesAgainstTheTopologyFilesDirectoryWithoutIO() {
        let relative = AuthSettings(algorithm: .hs256, keyFile: "secrets/jwt.secret")
        #expect(relative.resolvedKeyFile(relativeTo: "topology/earth.yaml") == "topology/secrets/jwt.secret")
        #expect(relative.resolvedKeyFile(relativeTo: "/etc/meridian/earth.yaml") == "/etc/meridian/secrets/jwt.secret")
        #expect(relative.resolvedKeyFile(relativeTo: "/earth.yaml") == "/secrets/jwt.secret")
        #expect(relative.resolvedKeyFile(relativeTo: "earth.yaml") == "secrets/jwt.secret")
        let absolute = AuthSettings(algorithm: .rs256, keyFile: "/keys/jwt.pem")
        #expect(absolute.resolvedKeyFile(relativeTo: "topology/earth.yaml") == "/keys/jwt.pem")
        // No I/O: a path under a directory that does not exist still resolves.
        #expect(relative.resolvedKeyFile(relativeTo: "/no/such/dir/t.yaml") == "/no/such/dir/secrets/jwt.secret")
    }

    @Test func existingInitialisersStillCompileWithTheNewFieldsDefaulted() {
        let listen = SocketAddress(host: .v4([127, 0, 0, 1]), port: 8080)
        let settings = SignalingSettings(listen: listen, defaultRegion: "eu")
        #expect(settings.control == nil && settings.metrics == nil && settings.trustedProxies.isEmpty && settings.auth == nil)
        let bridge = Bridge(id: "b", region: "eu", media: listen, overlay: listen, capacity: 5, drain: true)
        #expect(bridge.metrics == nil)
    }

    @Test func aBridgesMetricsMayShareItsUDPMediaAndOverlayAddresses() throws {
        // Metrics are TCP; media and cascade traffic are UDP.
        let topology = try Self.parse(Self.yaml(fraMetrics: "127.0.0.1:10001", iadMetrics: "127.0.0.1:4102"))
        #expect(topology.bridges.compactMap(\.metrics).map(\.description) == ["127.0.0.1:10001", "127.0.0.1:4102"])
    }

    @Test func aBridgesMetricsMayNotBeAnySignalingListener() {
        // `listen` is 0.0.0.0:8080: in loopback mode, one machine, its port is taken on every address.
        for (signaling, expected) in [("", "takes port 8080 of signaling's 'listen' listener 0.0.0.0:8080"),
                                      ("  control: 127.0.0.1:8081", "is also signaling's 'control' listener"),
                                      ("  metrics: 127.0.0.1:8081", "is also signaling's 'metrics' listener")] {
            let errors = Self.errors(Self.yaml(signaling: signaling, iadMetrics: "127.0.0.1:\(signaling.isEmpty ? 8080 : 8081)"))
            #expect(errors.count == 1, "\(errors)")
            #expect(errors.first?.message.contains("of bridge 'iad-1' \(expected)") == true, "\(errors)")
        }
    }

    @Test func listenersShareAPortOnlyWhenEqualOrOneIsAWildcardOfTheirFamily() {
        func address(_ text: String) -> SocketAddress { try! SocketAddress.parse(text).get() }
        #expect(address("127.0.0.1:80").sharesPort(with: address("127.0.0.1:80")))
        #expect(address("0.0.0.0:80").sharesPort(with: address("127.0.0.1:80")))
        #expect(address("127.0.0.1:80").sharesPort(with: address("[::]:80")))
        #expect(address("[::]:80").sharesPort(with: address("[::1]:80")))
        #expect(!address("0.0.0.0:80").sharesPort(with: address("[::1]:80")))
        #expect(!address("127.0.0.1:80").sharesPort(with: address("127.0.0.2:80")))
        #expect(!address("0.0.0.0:80").sharesPort(with: address("0.0.0.0:81")))
    }

    @Test func metricsOnAWildcardOfAnotherFamilyOrPortIsFine() throws {
        let topology = try Self.parse(Self.yaml(signaling: """
              control: "[::1]:8080"
              metrics: 0.0.0.0:9090
            """))
        #expect(topology.signaling.control?.description == "[::1]:8080")
    }

    @Test func inWireGuardModeBridgesOnTheirOwnHostsMayUseTheSamePortOrAWildcard() throws {
        let path = packageRoot().appendingPathComponent("topology/earth.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // Put one bridge on a wildcard with the port the others use on their overlay IPs.
        text = text.replacingOccurrences(of: "metrics: 10.77.1.1:9101", with: "metrics: 0.0.0.0:9101")
        #expect(text.contains("metrics: 0.0.0.0:9101"))
        let topology = try Topology.parse(yaml: text, file: path)
        #expect(topology.bridges.filter { $0.metrics?.port == 9101 }.count == topology.bridges.count)
        // A second bridge on the same wildcard is on its own host too: no clash.
        let twice = text.replacingOccurrences(of: "metrics: 10.77.1.2:9101", with: "metrics: 0.0.0.0:9101")
        #expect(try Topology.parse(yaml: twice, file: path).bridges.filter { $0.metrics?.host.isUnspecified == true }.count == 2)
        // The very same specific address on two bridges is a clash.
        let same = text.replacingOccurrences(of: "metrics: 10.77.1.2:9101", with: "metrics: 10.77.2.1:9101")
        #expect(same.components(separatedBy: "metrics: 10.77.2.1:9101").count == 3, "two bridges now share 10.77.2.1:9101")
        let error = try #require(throws: TopologyError.self) { try Topology.parse(yaml: same, file: path) }
        #expect(error.description.contains("metrics address 10.77.2.1:9101 is also used by bridge"))
    }

    @Test func everyAuthMistakeIsReportedInOneRun() {
        let errors = Self.errors(Self.yaml(signaling: """
              trusted-proxies: ["10.0.0.0/8", "10.0.0.0/8", "192.0.2.1/24"]
              auth:
                algorithm: RS256
                secret-file: ""
                required: "maybe"
                audience: rooms
            """))
        let messages = errors.map(\.description)
        #expect(errors.count == 6, "\(messages)")
        #expect(messages.contains { $0.contains("trusted proxy 10.0.0.0/8 is listed twice (it is already listed at line 20, column 21") })
        #expect(messages.contains { $0.contains("host bits are set; the network is 192.0.2.0/24") })
        #expect(messages.contains { $0.contains("secret-file is empty") })
        #expect(messages.contains { $0.contains("'secret-file' is for HS256, but the auth algorithm is RS256") })
        #expect(messages.contains { $0.contains("auth required must be true or false, not 'maybe' (write true or false)") })
        #expect(messages.contains { $0.contains("unknown key 'audience' in signaling auth (expected one of:") })
    }

    @Test func keyFilePathsMustBeAFileNotADirectoryOrPaddedOrAList() {
        for (value, expected) in [("keys/", "names a directory"), ("\" jwt.pem\"", "starts or ends with spaces"),
                                  ("[a, b]", "must be a path, not a list"), ("~", "public-key-file is empty"),
                                  ("\"a\\0b\"", "contains a NUL character")] {
            let errors = Self.errors(Self.yaml(signaling: "  auth: { algorithm: RS256, public-key-file: \(value) }"))
            #expect(errors.count == 1 && errors[0].message.contains(expected), "\(value): \(errors)")
        }
    }

    @Test func bothKeyFilesIsOneMismatchNotAMissingField() {
        let errors = Self.errors(Self.yaml(signaling: """
              auth: { algorithm: RS256, public-key-file: k.pem, secret-file: s }
            """))
        #expect(errors.map(\.message) == ["'secret-file' is for HS256, but the auth algorithm is RS256"])
    }

    /// The new corpus files: each diagnostic says how to fix it.
    @Test(arguments: CorpusTests.corpusFiles.filter {
        $0.hasPrefix("auth-") || $0.contains("metrics") || $0.contains("control") || $0.contains("proxy")
            || $0.contains("proxies") || $0.contains("listener")
    })
    func newSignalingErrorsCarryAFix(_ name: String) throws {
        let path = CorpusTests.corpusDirectory.appendingPathComponent("\(name).yaml").path
        let error = try #require(throws: TopologyError.self) { try Topology.load(path: path) }
        for diagnostic in error.diagnostics { #expect(diagnostic.hint != nil, "\(diagnostic)") }
    }

    @Test func reportListsListenersProxiesAuthAndBridgeMetrics() throws {
        let shared = TopologyReport.show(try Self.parse(Self.yaml()))
        #expect(shared.contains("  control channel on listen, metrics on listen"))
        #expect(shared.contains("  trusted proxies: none (X-Forwarded-For ignored)"))
        #expect(shared.contains("  auth: off (joins need no token)"))
        let full = TopologyReport.show(try Self.parse(Self.yaml(signaling: """
              control: 0.0.0.0:8081
              metrics: 127.0.0.1:9090
              trusted-proxies: ["10.0.0.0/8"]
              auth: { algorithm: HS256, secret-file: jwt.secret, issuer: meridian }
            """, fraMetrics: "127.0.0.1:9101")))
        #expect(full.contains("  control channel 0.0.0.0:8081, metrics 127.0.0.1:9090"))
        #expect(full.contains("  trusted proxies: 10.0.0.0/8"))
        #expect(full.contains("  auth: HS256 room tokens, secret-file jwt.secret, issuer meridian, required on join"))
        #expect(full.contains("fra-1  media 127.0.0.1:10001  capacity 500  metrics 127.0.0.1:9101"))
    }
}
