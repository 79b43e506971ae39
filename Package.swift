// swift-tools-version:6.2
// SensorGateway: layered targets, dependencies point down only (see docs/ARCHITECTURE in README).
// Linux-only libraries are attached with `.when(platforms: [.linux])`, never `#if os(...)` here:
// the manifest is evaluated on the build host and would break cross builds.
import PackageDescription

let linux: [Platform] = [.linux]

let package = Package(
    name: "sensorgw",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sensorgw", targets: ["sensorgw"]),
        .library(name: "HAL", targets: ["HAL"]),
        .library(name: "HALSimulation", targets: ["HALSimulation"]),
        .library(name: "Drivers", targets: ["Drivers"]),
        // For the micro-benchmarks (Benchmarks/Micro), a separate package that depends on this one.
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Outbox", targets: ["Outbox"]),
        .library(name: "Sampling", targets: ["Sampling"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // No traits: the default `BinaryDelimitedStreams` trait imports Foundation (ICU).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0", traits: []),
        // Foundation-free Prometheus text format, the swift-metrics backend (docs/OPERATIONS.md).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // HPKE, Ed25519 and HMAC for payload envelopes and pseudonymous ids; 4.x imports only
        // FoundationEssentials (3.x imports Foundation, and with it ICU).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // C shims: ioctl request values and variadic ioctls Swift cannot see, libgpiod calls.
        .target(
            name: "CI2C",
            linkerSettings: [.linkedLibrary("i2c", .when(platforms: linux))]),
        .target(name: "CSPI"),
        .target(name: "CSystemClock"),
        // The TLS files loaded through the system's OpenSSL, as libmosquitto will load them.
        .target(
            name: "COpenSSLCheck",
            linkerSettings: [
                .linkedLibrary("ssl", .when(platforms: linux)), .linkedLibrary("crypto", .when(platforms: linux)),
            ]),
        .target(
            name: "CGPIOD",
            linkerSettings: [.linkedLibrary("gpiod", .when(platforms: linux))]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        .systemLibrary(
            name: "CMosquitto", pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"]), .brew(["mosquitto"])]),

        .target(name: "HAL"),
        .target(
            name: "HALLinux",
            dependencies: [
                "HAL",
                .target(name: "CI2C", condition: .when(platforms: linux)),
                .target(name: "CSPI", condition: .when(platforms: linux)),
                .target(name: "CGPIOD", condition: .when(platforms: linux)),
            ]),
        .target(name: "HALSimulation", dependencies: ["HAL"]),
        // Sparkplug B's schema and its generated Swift, committed (Scripts/generate-sparkplug.sh).
        .target(
            name: "SparkplugProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["sparkplug_b.proto"]),
        .target(name: "Pipeline", dependencies: ["CSystemClock", "SparkplugProto", .product(name: "Crypto", package: "swift-crypto")]),
        // libyaml into a bounded Swift value tree with positions; no Foundation, so no ICU.
        .target(name: "YAML", dependencies: ["CYAML"]),
        // Board profiles (Boards/*.yaml, embedded): header pins to GPIO lines by chip label and name.
        .target(name: "Boards", dependencies: ["HAL", "YAML"]),
        .target(
            name: "Configuration",
            dependencies: [
                "HAL", "YAML", "Pipeline", "Boards", "Commands",
                .target(name: "COpenSSLCheck", condition: .when(platforms: linux)),
            ]),
        .target(name: "Outbox", dependencies: ["Pipeline", "CSQLite", .product(name: "Crypto", package: "swift-crypto")]),
        // Sealed (HPKE) and signed (Ed25519) payload envelopes, docs/ENVELOPE.md; knows no reading.
        .target(name: "Envelope", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Signed remote commands (docs/COMMANDS.md): the layout and a pure verifier, no I/O.
        .target(name: "Commands", dependencies: ["Envelope", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "EnvelopeEncoding", dependencies: ["Envelope", "Pipeline", .product(name: "Crypto", package: "swift-crypto")]),
        // Runs sensors on schedules in an injected clock; knows no chip.
        .target(
            name: "Sampling",
            dependencies: [
                "HAL", "Pipeline", "Outbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // What a sensor kind is (options, quantities, factory) and the buses it is built on.
        .target(name: "SensorKit", dependencies: ["HAL", "Pipeline", "Configuration", "Sampling"]),
        // The simulated board: simulated buses with one model per configured sensor.
        .target(name: "SimulatedBoard", dependencies: ["HAL", "HALSimulation", "Pipeline", "Configuration", "SensorKit", "YAML"]),
        // The catalog: one folder per chip (driver, kind, simulated model) and the registry.
        .target(
            name: "Drivers",
            dependencies: ["HAL", "HALSimulation", "Pipeline", "Configuration", "Sampling", "SensorKit", "SimulatedBoard"]),
        .target(
            name: "Uplink",
            dependencies: [
                "Outbox", "Pipeline", "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Agent",
            dependencies: [
                "HAL", "HALLinux", "Pipeline", "Outbox", "Uplink", "Configuration", "Sampling", "SensorKit", "YAML",
                "EnvelopeEncoding", "Commands", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "sensorgw",
            dependencies: [
                "Agent", "Boards", "Configuration", "Drivers", "HAL", "HALSimulation", "Pipeline", "SensorKit", "SimulatedBoard",
                "Envelope", "Commands", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // The static Swift runtime's link arguments export every symbol of the executable
            // (-export-dynamic): 3.2 MB of dynamic symbol tables nothing looks up, which also
            // keeps --gc-sections from dropping unused public code (docs/PERFORMANCE.md).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))]),

        .testTarget(name: "HALTests", dependencies: ["HAL"]),
        .testTarget(name: "HALLinuxTests", dependencies: ["HALLinux", "HAL"]),
        .testTarget(name: "HALSimulationTests", dependencies: ["HALSimulation", "HAL"]),
        .testTarget(
            name: "DriversTests",
            dependencies: ["Drivers", "HALSimulation", "HAL", "Configuration", "Pipeline", "SensorKit", "SimulatedBoard",
                           "HALLinux", "Sampling"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "HAL", "Drivers", "SensorKit", "Commands"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"]),
        .testTarget(
            name: "SamplingTests",
            dependencies: ["Sampling", "HALSimulation", "HAL", "Pipeline", "Outbox", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "BoardsTests", dependencies: ["Boards", "HAL"]),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "Pipeline", "CSQLite", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "EnvelopeTests", dependencies: ["Envelope", "EnvelopeEncoding", "Pipeline", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands", "Envelope", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "UplinkTests",
            dependencies: ["Uplink", "Outbox", "Pipeline", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "HALSimulation", "HAL", "Configuration", "Outbox", "Pipeline", "Sampling", "SensorKit",
                           "SimulatedBoard", "Drivers", "Commands", "Uplink", .product(name: "Crypto", package: "swift-crypto")]),
        // Runs the built `sensorgw` against a real mosquitto with mutual TLS (see Scripts/).
        .testTarget(name: "EndToEndTests", dependencies: ["sensorgw", "Outbox"]),
    ]
)
