// swift-tools-version:6.2
// libFuzzer targets for Latchkey's parsers. Build and run them with scripts/fuzz (see Fuzz/README.md).
//
// The root package exports only some of its modules as products, and building it whole would compile SwiftNIO,
// AsyncHTTPClient and jwt-kit with the sanitizers. So this package compiles the parser modules itself from the same
// sources: Sources/Latchkey* here are symbolic links to ../Sources/Latchkey* (the layered modules need nothing
// else: session tokens are LatchkeyTokens over LatchkeyDomain). The fuzz targets reach internal declarations with
// `@testable import` (scripts/fuzz builds with -enable-testing).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// Each fuzz target: its name (as scripts/fuzz knows it) and the modules it exercises.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("query-form", ["LatchkeyQuery", "LatchkeyModel"]),
    ("sigv4-authorization", ["LatchkeySigV4"]),
    ("session-token", ["LatchkeyTokens", "LatchkeyDomain", .product(name: "Crypto", package: "swift-crypto")]),
    ("xml-reader", ["LatchkeyQuery"]),
    ("saml-response", ["LatchkeySAML", "LatchkeySAMLModel", "CXMLSec"]),
    ("policy", ["LatchkeyPolicy", "LatchkeyBase"]),
]

let package = Package(
    name: "latchkey-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2")
    ],
    targets: [
        .target(name: "LatchkeyBase", swiftSettings: swiftSettings),
        .target(name: "LatchkeyModel", dependencies: ["LatchkeyBase"], swiftSettings: swiftSettings),
        .target(name: "LatchkeyQuery", dependencies: ["LatchkeyBase", "LatchkeyModel"], swiftSettings: swiftSettings),
        .target(
            name: "LatchkeySigV4",
            dependencies: ["LatchkeyBase", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LatchkeyPolicy", dependencies: ["LatchkeyBase", "LatchkeyModel"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .target(
            name: "LatchkeySAMLModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LatchkeySAML", dependencies: ["CXMLSec", "LatchkeyBase", "LatchkeySAMLModel"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CFuzzDriver"),
        .target(name: "LatchkeyDomain", swiftSettings: swiftSettings),
        .target(
            name: "LatchkeyTokens",
            dependencies: ["LatchkeyBase", "LatchkeyDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
    ]
        + fuzzTargets.map { target in
            .executableTarget(
                name: target.name, dependencies: target.dependencies + ["CFuzzDriver"], path: "Targets/\(target.name)",
                swiftSettings: swiftSettings
            )
        }
)
