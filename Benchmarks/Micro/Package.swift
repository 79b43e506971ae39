// swift-tools-version:6.2
// Micro-benchmarks (ordo-one/benchmark) for the gateway's hot path, kept out of the main
// package so that CI's build does not grow: `cd Benchmarks/Micro && swift package benchmark`.
// Needs libjemalloc-dev (apt) for the malloc counts.
import PackageDescription

let package = Package(
    name: "sensorgw-micro-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "sensorgw", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "SensorGatewayBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Drivers", package: "sensorgw"),
                .product(name: "Outbox", package: "sensorgw"),
                .product(name: "Pipeline", package: "sensorgw"),
                .product(name: "Sampling", package: "sensorgw"),
            ],
            path: "Benchmarks/SensorGatewayBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
