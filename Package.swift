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

        .target(name: "Topology",
                dependencies: [.product(name: "Yams", package: "Yams")],
                swiftSettings: strict),
        .target(name: "Overlay",
                dependencies: ["Topology", "CSodium", "CMNL"],
                swiftSettings: strict),
        .executableTarget(name: "meridian",
                          dependencies: [
                              "Topology", "Overlay", "Relay",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          swiftSettings: strict),

        .testTarget(name: "TopologyTests", dependencies: ["Topology"],
                    resources: [.copy("Corpus")], swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["Topology", "Overlay"], swiftSettings: strict),
        .target(name: "Relay",
                dependencies: ["CSRTP", "CDTLS"],
                swiftSettings: strict),
        .testTarget(name: "RelayTests", dependencies: ["Relay"], swiftSettings: strict),
        .testTarget(name: "BindingsTests",
                    dependencies: ["CSodium", "CSRTP", "CDTLS", "CMNL", "Relay", "Overlay"],
                    swiftSettings: strict),

    ],
    swiftLanguageModes: [.v6]
)
