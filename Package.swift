// swift-tools-version:6.1
import PackageDescription

/// Strict settings for every Swift target: Swift 6 language mode (complete
/// concurrency checking) plus `any` spelled out for existentials.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Meridian",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "meridian", targets: ["meridian"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.0.1"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.2.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Only for the tests' RSA keys (jwt-kit already depends on it).
        .package(url: "https://github.com/apple/swift-crypto", "4.1.0"..<"6.0.0"),
    ],
    targets: [
        // System libraries. Each module map names the pkg-config file and the
        // Debian package that provides it; the header adds `static inline`
        // wrappers for the macros Swift cannot import, and nothing else.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2",
                       providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "CDTLS", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMNL", pkgConfig: "libmnl",
                       providers: [.apt(["libmnl-dev"])]),

        // recvmmsg/sendmmsg/eventfd, which glibc only declares under _GNU_SOURCE.
        .target(name: "CSocket"),

        .target(name: "Control", dependencies: ["CSodium"], swiftSettings: strict),
        .target(name: "Signaling",
                dependencies: [
                    "Control", "Topology", "Cascade",
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                    .product(name: "JWTKit", package: "jwt-kit"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                ],
                swiftSettings: strict),
        .target(name: "Topology",
                dependencies: [.product(name: "Yams", package: "Yams")],
                swiftSettings: strict),
        .target(name: "Overlay",
                dependencies: ["Topology", "CSodium", "CMNL"],
                exclude: ["README.md"],
                swiftSettings: strict),
        .executableTarget(name: "meridian",
                          dependencies: [
                              "Topology", "Overlay", "Relay", "Cascade", "Control", "Signaling",
                              .product(name: "Hummingbird", package: "hummingbird"),
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          swiftSettings: strict),

        .testTarget(name: "TopologyTests", dependencies: ["Topology"],
                    resources: [.copy("Corpus")], swiftSettings: strict),
        .testTarget(name: "SignalingTests",
                    dependencies: [
                        "Signaling", "Control", "Topology",
                        // A real bridge behind its metrics listener.
                        "Relay",
                        // A bridge's end of the control channel, for the end-to-end test.
                        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                        .product(name: "Hummingbird", package: "hummingbird"),
                        // HTTP clients for the listeners, room tokens and RSA test keys.
                        .product(name: "HummingbirdTesting", package: "hummingbird"),
                        .product(name: "JWTKit", package: "jwt-kit"),
                        .product(name: "CryptoExtras", package: "swift-crypto"),
                    ],
                    swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["Topology", "Overlay"], swiftSettings: strict),
        .target(name: "Relay",
                dependencies: [
                    "CSRTP", "CDTLS", "CSocket", "Control", "Cascade", "Overlay", "Topology",
                    .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "Cascade",
                dependencies: ["Topology"],
                exclude: ["README.md"],
                swiftSettings: strict),
        .testTarget(name: "CascadeTests",
                    dependencies: ["Cascade", "Topology"],
                    swiftSettings: strict),
        .testTarget(name: "RelayTests", dependencies: ["Relay", "Cascade", "Overlay", "Control", "Topology", "CAllocationCounter"], swiftSettings: strict),
        // Test-only: per-thread allocation counting by interposing malloc in
        // the test executable (ForwardingAllocationTests).
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(name: "BindingsTests",
                    dependencies: ["CSodium", "CSRTP", "CDTLS", "CMNL", "Relay", "Overlay"],
                    swiftSettings: strict),
        .testTarget(name: "OverlayTests",
                    dependencies: ["Overlay", "Topology", "CSodium", "CAllocationCounter"],
                    swiftSettings: strict),

    ],
    swiftLanguageModes: [.v6]
)
