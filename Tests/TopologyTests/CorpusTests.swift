import Foundation
import Testing
@testable import Topology

/// The broken-topology corpus: every file holds one mistake an operator makes,
/// and the first diagnostic reported for it is pinned (line, column, words).
struct CorpusTests {
    /// file → (line, column, a phrase of the message or its hint)
    static let expectations: [String: (Int, Int, String)] = [
        "address-without-port": (15, 12, "missing ':PORT'"),
        "auth-algorithm-lowercase": (21, 16, "did you mean 'RS256'?"),
        "auth-algorithm-unknown": (21, 16, "auth algorithm 'HS512' is not one of HS256, RS256"),
        "auth-empty-key-file": (22, 22, "public-key-file is empty"),
        "auth-key-file-tilde": (22, 18, "starts with '~', which is not expanded"),
        "auth-missing-algorithm": (21, 5, "signaling auth is missing 'algorithm'"),
        "auth-missing-key-file": (21, 5, "signaling auth with algorithm HS256 is missing 'secret-file'"),
        "auth-not-a-mapping": (20, 9, "signaling auth must be a mapping"),
        "auth-public-key-file-with-hs256": (23, 5, "'public-key-file' is for RS256, but the auth algorithm is HS256"),
        "auth-required-not-boolean": (23, 15, "auth required must be true or false, not 'yes'"),
        "auth-secret-file-with-rs256": (22, 5, "'secret-file' is for HS256, but the auth algorithm is RS256"),
        "auth-unknown-key": (23, 5, "unknown key 'isuer' in signaling auth (did you mean 'issuer'?)"),
        "bridge-id-uppercase": (13, 3, "bridge id 'IAD_1' is not a valid name"),
        "bridge-metrics-duplicate": (18, 14, "metrics address 127.0.0.1:9101 is also used by bridge 'fra-1'"),
        "bridge-metrics-equals-signaling-metrics": (13, 14, "of bridge 'fra-1' is also signaling's 'metrics' listener"),
        "bridge-metrics-malformed": (13, 14, "metrics address 'localhost:9101' is not HOST:PORT"),
        "bridge-metrics-wildcard-in-loopback-mode": (18, 14, "takes port 9101 of bridge 'fra-1' (0.0.0.0:9101)"),
        "bridge-missing-media": (14, 5, "bridge 'iad-1' is missing 'media'"),
        "bridges-empty": (8, 10, "bridges is empty"),
        "cascade-key-equals-wireguard-key": (21, 18, "is the same as its wireguard key"),
        "cidr-bad-length": (8, 12, "prefix length '33' is not a number from 0 to 32"),
        "cidr-host-bits": (8, 12, "host bits are set; the network is 10.77.0.0/16"),
        "comments-only": (1, 1, "the file is empty"),
        "control-equals-listen": (20, 12, "signaling control listener 127.0.0.1:8080 is the same as 'listen' (omit 'control'"),
        "control-listener-malformed": (20, 12, "signaling control listener '0.0.0.0' is not HOST:PORT: missing ':PORT'"),
        "default-region-unknown": (19, 19, "did you mean 'eu-central'?"),
        "drain-not-boolean": (17, 12, "drain must be true or false, not 'yes'"),
        "duplicate-bridge-id": (13, 3, "duplicate key 'fra-1' in bridges"),
        "duplicate-yaml-key": (16, 5, "duplicate key 'media' in bridge 'iad-1'"),
        "empty-file": (1, 1, "the file is empty"),
        "fanout-too-small": (22, 15, "max-fanout 1 is out of range"),
        "ipv6-without-brackets": (15, 12, "IPv6 address must be written in brackets"),
        "key-not-base64": (21, 18, "cascade-key is not valid base64"),
        "key-wrong-length": (21, 18, "cascade-key is 16 bytes; a Curve25519 public key is 32 bytes"),
        "latency-declared-twice": (8, 3, "declared twice"),
        "latency-negative": (7, 23, "-3 is out of range"),
        "latency-self-pair": (7, 3, "latency from region 'us-east' to itself"),
        "latency-unknown-region": (7, 3, "unknown region 'ap-south'"),
        "latitude-out-of-range": (5, 19, "lat 139.04 is out of range"),
        "latitude-quoted": (5, 19, "lat must be a number"),
        "loopback-overlay-not-loopback": (16, 14, "is not a loopback address in loopback mode"),
        "malformed-ip": (15, 12, "'127.0.0.256' is not an IPv4 or IPv6 address"),
        "media-equals-overlay": (16, 14, "clashes with a media address"),
        "metrics-equals-control": (21, 12, "127.0.0.1:8081 is the same as the control listener"),
        "metrics-equals-listen": (21, 12, "signaling metrics listener 127.0.0.1:8080 is the same as 'listen' (omit 'metrics'"),
        "metrics-listener-port-out-of-range": (20, 12, "port '99999' is not a number from 1 to 65535"),
        "missing-cascade-key-in-wireguard-mode": (16, 3, "has no cascade-key in wireguard mode"),
        "missing-signaling-default-region": (18, 3, "signaling is missing 'default-region'"),
        "missing-wireguard-block": (16, 3, "has no wireguard block in wireguard mode"),
        "negative-capacity": (17, 28, "capacity endpoints -5 is out of range"),
        "network-in-loopback-mode": (8, 3, "overlay network is only used in wireguard mode"),
        "not-yaml-unclosed-flow": (6, 8, "not valid YAML"),
        "overlapping-client-prefixes": (5, 49, "overlaps 192.0.2.0/24 of region 'eu-central'"),
        "overlay-address-overlap": (19, 14, "overlay address 10.77.1.1 is also used by bridge 'fra-1'"),
        "overlay-network-address": (19, 14, "is the network address of 10.77.0.0/16"),
        "overlay-outside-network": (19, 14, "is outside the overlay network 10.77.0.0/16"),
        "port-out-of-range": (15, 12, "port '70000' is not a number from 1 to 65535"),
        "region-is-a-list": (5, 12, "region 'us-east' must be a mapping"),
        "same-media-address": (15, 12, "media address 127.0.0.1:10001 is also used by bridge 'fra-1'"),
        "shared-cascade-key": (21, 18, "cascade-key of bridge 'iad-1' is also used by 'fra-1'"),
        "shared-wireguard-key": (20, 58, "wireguard public-key of bridge 'iad-1' is also used by 'fra-1'"),
        "strategy-typo": (21, 13, "did you mean 'tree'?"),
        "stress-threshold-above-one": (21, 21, "stress-threshold 1.5 is out of range"),
        "tab-indentation": (15, 1, "tab character"),
        "top-level-list": (1, 1, "the topology must be a mapping"),
        "trusted-proxies-not-a-list": (20, 20, "trusted-proxies must be a list"),
        "trusted-proxy-duplicate": (20, 46, "trusted proxy ::1/128 is listed twice"),
        "trusted-proxy-without-length": (20, 35, "write a single address as 10.0.0.1/32"),
        "two-documents": (20, 1, "another document"),
        "unknown-bridge-key": (14, 5, "unknown key 'regoin' in bridge 'iad-1' (did you mean 'region'?)"),
        "unknown-region-key": (5, 26, "unknown key 'lng' in region 'us-east' (did you mean 'lon'?)"),
        "unknown-region-reference": (14, 13, "did you mean 'us-east'?"),
        "unknown-top-level-key": (8, 1, "unknown key 'bridgs' in the topology (did you mean 'bridges'?)"),
        "unsupported-version": (1, 10, "version 2 is not supported"),
        "wildcard-listener-port-clash": (20, 12, "takes port 8080 of 'listen' 0.0.0.0:8080"),
        "wireguard-block-in-loopback-mode": (17, 5, "has a wireguard block in loopback mode"),
        "wireguard-mode-without-network": (7, 3, "wireguard mode is missing 'network'"),
        "wireguard-port-out-of-range": (9, 19, "wireguard-port 0 is out of range"),
    ]

    static var corpusDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Corpus")
    }

    static var corpusFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func corpusHasAnExpectationForEveryFileAndAtLeast25Files() {
        #expect(Self.corpusFiles.count >= 25)
        #expect(Set(Self.corpusFiles) == Set(Self.expectations.keys))
    }

    @Test(arguments: CorpusTests.corpusFiles)
    func brokenFileReportsItsMistakeAtTheRightPlace(_ name: String) throws {
        let path = Self.corpusDirectory.appendingPathComponent("\(name).yaml").path
        let expected = try #require(Self.expectations[name])
        let error = try #require(throws: TopologyError.self) { try Topology.load(path: path) }
        let first = try #require(error.diagnostics.first)
        #expect(first.file == path)
        #expect((first.line, first.column) == (expected.0, expected.1), "\(first)")
        #expect(first.description.contains(expected.2), "\(first)")
        #expect(first.description.contains(": error: "))
        // Every diagnostic of every file carries a fix or is self-explanatory.
        for diagnostic in error.diagnostics { #expect(diagnostic.line >= 1 && diagnostic.column >= 1) }
    }
}
