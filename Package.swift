// swift-tools-version: 6.0
import PackageDescription

// Dependencies, and why each one is here:
// - swift-argument-parser: the command tree, `--help`, argument validation.
// - ZIPFoundation: reading and writing solution.zip (uses the system zlib).
// - Hummingbird (SwiftNIO) and swift-log: the live playground's HTTP server (`kubeprint serve`),
//   which needs keep-alive, chunked watch streams and graceful shutdown; swift-log for its
//   request log; swift-service-lifecycle (already under Hummingbird) to stop on SIGINT/SIGTERM with
//   open watches closed. Only the thin PlaygroundServer target imports them (a clean build adds ~4 min).
// - GRDB (system SQLite, Debian `libsqlite3-dev`): the deployer's embedded store (solutions,
//   revisions, deployments, the playground's desired state) in WAL mode with migrations, so a
//   `kill -9` loses no committed deploy. About 30 s of a clean build.
// - swift-crypto (its `Crypto` product only): HMAC-SHA256/512 for the deployer's JWTs, as the
//   Acumos portal signs them. jwt-kit was not taken: it keeps one default key per collection (HS256
//   and HS512 tokens signed with the same secret need two), pulls swift-certificates and
//   CryptoExtras, and asserts on short HMAC keys; the token format itself is a few lines here.
// libyaml comes from the system (Debian `libyaml-dev`) through the CLibYAML target.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kubeprint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kubeprint", targets: ["kubeprint"]),
        .library(name: "YAML", targets: ["YAML"]),
        .library(name: "Blueprint", targets: ["Blueprint"]),
        .library(name: "Manifests", targets: ["Manifests"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Cluster", targets: ["Cluster"]),
        .library(name: "Playground", targets: ["Playground"]),
        .library(name: "KubeAPI", targets: ["KubeAPI"]),
        .library(name: "Deployer", targets: ["Deployer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML", path: "Sources/CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .target(name: "YAML", dependencies: ["CLibYAML"], swiftSettings: strict),
        // glibc's malloc.h, for the long-running server's allocator settings (part of libc: nothing to install).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "Blueprint", swiftSettings: strict),
        .target(
            name: "Manifests",
            dependencies: ["Blueprint", "YAML", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict),
        .target(name: "Simulation", swiftSettings: strict),
        .target(name: "Cluster", dependencies: ["Simulation"], swiftSettings: strict),
        .target(name: "Playground", dependencies: ["Cluster", "Simulation", "YAML", "Blueprint", "Manifests"], swiftSettings: strict),
        .target(name: "KubeAPI", dependencies: ["Blueprint", "Simulation", "Cluster", "Playground", "YAML"], swiftSettings: strict),
        .target(
            name: "Deployer",
            dependencies: [
                "KubeAPI", "Blueprint", "Manifests", "YAML",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "PlaygroundServer",
            dependencies: [
                "KubeAPI", "Deployer", "Blueprint", "Simulation", "YAML", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "KubeprintCommands",
            dependencies: [
                "Blueprint", "YAML", "Manifests", "Simulation", "Cluster", "Playground", "KubeAPI", "Deployer", "PlaygroundServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "kubeprint", dependencies: ["KubeprintCommands"], swiftSettings: strict),

        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "BlueprintTests", dependencies: ["Blueprint", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ManifestsTests",
            dependencies: ["Manifests", "Blueprint", "YAML", "TestSupport",
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"], swiftSettings: strict),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Simulation"], swiftSettings: strict),
        .testTarget(name: "PlaygroundTests", dependencies: ["Playground", "Cluster", "Simulation", "YAML", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI", "Blueprint", "Simulation", "Cluster"], swiftSettings: strict),
        .testTarget(
            name: "DeployerTests",
            dependencies: ["Deployer", "KubeAPI", "Blueprint", "Manifests", "Playground", "YAML", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .testTarget(
            name: "PlaygroundServerTests",
            dependencies: ["PlaygroundServer", "KubeAPI", "Blueprint"],
            swiftSettings: strict),
        .testTarget(
            name: "KubeprintCommandsTests",
            dependencies: ["KubeprintCommands", "Deployer", "Manifests", "YAML", "TestSupport"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets over the package's modules, built only by scripts/fuzz.sh (with
// KUBEPRINT_FUZZ=1 and -sanitize=fuzzer): each runs libFuzzer's driver on its harness.
if Context.environment["KUBEPRINT_FUZZ"] != nil {
    // gold fails on the sanitizers' debug information; lld ships with the toolchain.
    let fuzzLinking: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/Support", swiftSettings: strict),
        .executableTarget(name: "ScenarioFuzz", dependencies: ["FuzzSupport", "Playground", "Cluster", "Simulation"], path: "Fuzz/Scenario",
                          swiftSettings: strict, linkerSettings: fuzzLinking),
        .executableTarget(name: "SolutionFuzz", dependencies: ["FuzzSupport", "Playground", "Cluster", "Simulation"], path: "Fuzz/Solution",
                          swiftSettings: strict, linkerSettings: fuzzLinking),
        .executableTarget(name: "ArchiveFuzz", dependencies: ["FuzzSupport", "Manifests", "Blueprint"], path: "Fuzz/Archive",
                          swiftSettings: strict, linkerSettings: fuzzLinking),
    ]
}
