// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Async functions run on their caller's executor unless marked @concurrent: no hop to the global executor on
    // every call of the request path.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    // Warnings are errors in every target of this package (SwiftPM does not pass this to dependencies).
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "latchkey",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "latchkey", targets: ["latchkey"]),
        .library(name: "LatchkeySigV4", targets: ["LatchkeySigV4"]),
        .library(name: "LatchkeyModel", targets: ["LatchkeyModel"]),
        .library(name: "LatchkeyClient", targets: ["LatchkeyClient"]),
        // For the component benchmarks (Benchmarks/Components, a package of its own that depends on this one).
        .library(name: "LatchkeyBase", targets: ["LatchkeyBase"]),
        .library(name: "LatchkeyQuery", targets: ["LatchkeyQuery"]),
        .library(name: "LatchkeyPolicy", targets: ["LatchkeyPolicy"]),
        .library(name: "LatchkeyDomain", targets: ["LatchkeyDomain"]),
        .library(name: "LatchkeyTokens", targets: ["LatchkeyTokens"]),
        .library(name: "LatchkeyCore", targets: ["LatchkeyCore"]),
        .library(name: "LatchkeySQLite", targets: ["LatchkeySQLite"]),
        .library(name: "LatchkeyPostgres", targets: ["LatchkeyPostgres"]),
        .library(name: "LatchkeyTestSupport", targets: ["LatchkeyTestSupport"]),
        // Latchkey in-process for other packages' tests: LatchkeyTestServer.withServer { server in ... }.
        .library(name: "LatchkeyTesting", targets: ["LatchkeyTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // One of each helper, at the bottom of the graph: AWS timestamps and calendar arithmetic, strict Base64 and
        // base64url, hex, constant-time comparison, UTF-8 validation, the strict JSON reader. Standard library and Date.
        .target(name: "LatchkeyBase", swiftSettings: swiftSettings),
        // Wire model: shapes, constraint tables, error codes. Pure.
        .target(name: "LatchkeyModel", dependencies: ["LatchkeyBase"], swiftSettings: swiftSettings),
        // awsQuery codec: strict form parser, XML writer. Pure.
        .target(name: "LatchkeyQuery", dependencies: ["LatchkeyBase", "LatchkeyModel"], swiftSettings: swiftSettings),
        // SigV4 signer and verifier. No HTTP framework.
        .target(
            name: "LatchkeySigV4",
            dependencies: ["LatchkeyBase", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The IAM policy language: parsing and evaluation. Pure.
        .target(name: "LatchkeyPolicy", dependencies: ["LatchkeyBase", "LatchkeyModel"], swiftSettings: swiftSettings),
        // QR codes as PNG images (virtual MFA device enrolment). Pure.
        .target(name: "LatchkeyQRCode", swiftSettings: swiftSettings),
        // libxmlsec1 (XML-DSig over libxml2 and OpenSSL), as a system library.
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        // SAML 2.0: IdP metadata, signed responses verified with libxmlsec1, signature-wrapping defences, replays.
        .target(
            name: "LatchkeySAML", dependencies: ["CXMLSec", "LatchkeyBase", "LatchkeySAMLModel"],
            swiftSettings: swiftSettings),
        // What a verified SAML assertion and IdP metadata say, the AWS attribute rules, the replay cache and the
        // verifier protocols the services take. No XML library.
        .target(
            name: "LatchkeySAMLModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // OpenID Connect: inbound (issuer discovery, JWKS over HTTPS, JWT verification) and outbound (Latchkey's own
        // issuer: signing keys, discovery and JWKS documents, signed tokens). No network: the fetchers are in
        // LatchkeyOIDCHTTP.
        .target(
            name: "LatchkeyOIDC",
            dependencies: [
                "LatchkeyBase", "LatchkeyModel",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTPS side of OIDC federation, for the server: discovery and JWKS fetches over AsyncHTTPClient, and
        // the thumbprint-pinned client for issuers whose chain does not verify.
        .target(
            name: "LatchkeyOIDCHTTP",
            dependencies: [
                "LatchkeyOIDC",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The domain: accounts, principals, ARNs, entities and the store protocols. No crypto, network or XML.
        .target(name: "LatchkeyDomain", swiftSettings: swiftSettings),
        // Token and key primitives: access key IDs, session-token sealing, key rings, the master key, TOTP.
        .target(
            name: "LatchkeyTokens",
            dependencies: ["LatchkeyBase", "LatchkeyDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The STS and IAM operations over the domain, the tokens and the policy language.
        .target(
            name: "LatchkeyCore",
            dependencies: [
                "LatchkeyBase",
                "LatchkeyModel",
                "LatchkeyDomain",
                "LatchkeyTokens",
                "LatchkeySigV4",
                "LatchkeyQRCode",
                "LatchkeyPolicy",
                "LatchkeySAMLModel",
                "LatchkeyOIDC",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Swift STS client and credential providers. Depends on no server module.
        .target(
            name: "LatchkeyClient",
            dependencies: [
                "LatchkeyBase", "LatchkeyModel", "LatchkeyQuery", "LatchkeySigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite persistence behind the store protocol.
        .target(
            name: "LatchkeySQLite",
            dependencies: [
                "LatchkeyDomain", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL persistence behind the same store protocols (many nodes, one database), over postgres-nio.
        .target(
            name: "LatchkeyPostgres",
            dependencies: [
                "LatchkeyDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // A store held in memory, with the SQLite store's behaviour (the store-contract tests run on both).
        .target(name: "LatchkeyMemoryStore", dependencies: ["LatchkeyDomain"], swiftSettings: swiftSettings),
        // Hummingbird 2 server: routes, middleware, configuration, lifecycle.
        .target(
            name: "LatchkeyServer",
            dependencies: [
                "LatchkeyCore", "LatchkeyDomain", "LatchkeyTokens", "LatchkeyQuery", "LatchkeySigV4", "LatchkeyModel",
                "LatchkeySQLite", "LatchkeyPostgres", "LatchkeyOIDC", "LatchkeyOIDCHTTP", "LatchkeySAML",
                "LatchkeyBase", "LatchkeyPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // For test targets only: the test clock, temporary folders, the services over a store without HTTP.
        .target(
            name: "LatchkeyTestSupport",
            dependencies: [
                "LatchkeyCore", "LatchkeyDomain", "LatchkeyTokens", "LatchkeyModel", "LatchkeySQLite",
                "LatchkeyMemoryStore", "LatchkeyPostgres", "LatchkeyServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Embedding for tests (a product): the real server in-process on a free loopback port with a temporary store,
        // its root credentials and a ready STS client.
        .target(
            name: "LatchkeyTesting",
            dependencies: [
                "LatchkeyServer", "LatchkeyClient", "LatchkeyCore", "LatchkeyMemoryStore", "LatchkeyQuery",
                "LatchkeySigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "latchkey",
            dependencies: [
                "LatchkeyServer", "LatchkeyClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["BuildCommit"]
        ),
        // Writes the Git commit being built into the latchkey executable, for `latchkey --version`.
        .plugin(name: "BuildCommit", capability: .buildTool()),
        // A minimal Hummingbird server returning a fixed 400-byte body: the benchmark's ceiling.
        .executableTarget(
            name: "latchkey-bench-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BaselineServer",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "LatchkeyBaseTests", dependencies: ["LatchkeyBase"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LatchkeyModelTests", dependencies: ["LatchkeyModel"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LatchkeyPolicyTests", dependencies: ["LatchkeyBase", "LatchkeyPolicy", "LatchkeyModel"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyQRCodeTests", dependencies: ["LatchkeyQRCode"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LatchkeyQueryTests", dependencies: ["LatchkeyBase", "LatchkeyQuery", "LatchkeyModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeySigV4Tests", dependencies: ["LatchkeySigV4"], resources: [.copy("Vectors")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LatchkeyTokensTests",
            dependencies: [
                "LatchkeyBase", "LatchkeyTokens", "LatchkeyDomain", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyCoreTests",
            dependencies: [
                "LatchkeyCore", "LatchkeyDomain", "LatchkeyTokens", "LatchkeyModel", "LatchkeyTestSupport",
                "LatchkeySAML", "LatchkeySAMLModel", "LatchkeyOIDC", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyOIDCTests",
            dependencies: [
                "LatchkeyOIDC", "LatchkeyOIDCHTTP", "LatchkeyModel",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeySAMLTests", dependencies: ["LatchkeySAML", "LatchkeySAMLModel", "CXMLSec"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LatchkeySQLiteTests", dependencies: ["LatchkeySQLite", "LatchkeyDomain", "LatchkeyTestSupport"],
            swiftSettings: swiftSettings),
        // The PostgreSQL store's own parts: URL parsing, migrations, deadlines and recovery (needs
        // LATCHKEY_TEST_DATABASE_URL; without it only the parser tests run).
        .testTarget(
            name: "LatchkeyPostgresTests",
            dependencies: [
                "LatchkeyPostgres", "LatchkeyDomain", "LatchkeyTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store protocols' contract, run against every store (StoreKind): SQLite and in memory. The stores come
        // through LatchkeyTestSupport's StoreKind, so PostgreSQL will be one more case there.
        .testTarget(
            name: "LatchkeyStoreContractTests",
            dependencies: ["LatchkeyDomain", "LatchkeyTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyServerTests",
            dependencies: [
                "LatchkeyServer", "LatchkeyCore", "LatchkeyDomain", "LatchkeyTokens", "LatchkeySigV4", "LatchkeyModel",
                "LatchkeyQuery", "LatchkeySQLite", "LatchkeyBase", "LatchkeyTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // LatchkeyTesting used as another package would: STS and IAM through LatchkeyTestServer, seeds, teardown.
        .testTarget(
            name: "LatchkeyTestingTests",
            dependencies: [
                "LatchkeyTesting", "LatchkeyClient", "LatchkeyServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyClientTests",
            dependencies: [
                "LatchkeyClient", "LatchkeyServer", "LatchkeyCore", "LatchkeyTokens", "LatchkeySigV4",
                "LatchkeyModel", "LatchkeyQuery", "LatchkeyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            // The tests call the deprecated pre-generation names on purpose: they prove old code still compiles.
            swiftSettings: swiftSettings + [.treatWarning("DeprecatedDeclaration", as: .warning)]
        ),
    ]
)
