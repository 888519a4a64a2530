// swift-tools-version:6.2
// libFuzzer targets for Latchkey's parsers. Build and run them with scripts/fuzz (see Fuzz/README.md).
//
// The root package exports only some of its modules as products, and building LatchkeyCore whole would compile
// SwiftNIO, AsyncHTTPClient and jwt-kit with the sanitizers. So this package compiles the parser modules itself
// from the same sources: Sources/Latchkey* here are symbolic links to ../Sources/Latchkey*, and
// Sources/LatchkeyCore links only the session-token files of LatchkeyCore. The fuzz targets reach internal
// declarations with `@testable import` (scripts/fuzz builds with -enable-testing).
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
    ("session-token", ["LatchkeyCore", .product(name: "Crypto", package: "swift-crypto")]),
    ("xml-reader", ["LatchkeyQuery"]),
    ("saml-response", ["LatchkeySAML", "CXMLSec"]),
    ("policy", ["LatchkeyPolicy"]),
]

let package = Package(
    name: "latchkey-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2")
    ],
    targets: [
        .target(name: "LatchkeyModel", swiftSettings: swiftSettings),
        .target(name: "LatchkeyQuery", dependencies: ["LatchkeyModel"], swiftSettings: swiftSettings),
        .target(
            name: "LatchkeySigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LatchkeyPolicy", dependencies: ["LatchkeyModel"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .target(name: "LatchkeySAML", dependencies: ["CXMLSec"], swiftSettings: swiftSettings),
        .target(name: "CFuzzDriver"),
        .target(
            name: "LatchkeyCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
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
