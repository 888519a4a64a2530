// swift-tools-version:6.2
// Component benchmarks with allocation budgets (package-benchmark, ordo-one/benchmark): form parsing, SigV4
// verification, session tokens, policy evaluation, XML responses, and whole STS operations without HTTP. A package of
// its own so the root package never depends on the benchmark tool; it reaches Latchkey's modules through the root's
// library products. Run it with scripts/benchmarks (see README.md here).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// The root package, by path. Its identity is the name of its folder (`latchkey` in a clone named so, `main` in a
/// work tree named so), so it is read from this file's location rather than spelt here.
let rootPath = "../.."
let rootIdentity: String = {
    var components = #filePath.split(separator: "/").map(String.init)
    components.removeLast(3)  // Package.swift, Components, Benchmarks
    return components.last?.lowercased() ?? "latchkey"
}()

func latchkey(_ product: String) -> Target.Dependency {
    .product(name: product, package: rootIdentity)
}

let package = Package(
    name: "latchkey-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: rootPath),
        // The malloc interposer counts allocations without jemalloc; the runtime interposer (its other default trait)
        // is left off.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Components",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                latchkey("LatchkeyModel"), latchkey("LatchkeyQuery"),
                latchkey("LatchkeySigV4"), latchkey("LatchkeyTokens"), latchkey("LatchkeyDomain"),
                latchkey("LatchkeyPolicy"), latchkey("LatchkeyCore"), latchkey("LatchkeySQLite"),
            ],
            path: "Benchmarks/Components",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
