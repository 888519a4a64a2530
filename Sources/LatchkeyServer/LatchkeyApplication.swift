public import Foundation
public import Hummingbird
import LatchkeyCore
public import LatchkeyDomain
import LatchkeyModel
import LatchkeyOIDC
import LatchkeyOIDCHTTP
import LatchkeyPostgres
import LatchkeySAML
import LatchkeySQLite
import LatchkeyTokens
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Builds the Latchkey server: opens the store under the data folder, loads (or creates) the master key, applies
/// the bootstrap file, and wires the STS and IAM operations to one Query endpoint.
public enum LatchkeyApplication {
    /// What happened while starting, for the CLI to report once.
    public struct StartupReport: Sendable {
        /// Set when this start created the first account: its ID and root key, to be shown once.
        public var createdAccount: (accountId: String, accessKeyId: String, secretAccessKey: String)?
        /// Whether this start generated the master key file.
        public var createdMasterKey: Bool
        /// The server's open connections: ``ConnectionRegistry/closeAll()`` closes every one (the end of a shutdown
        /// grace period), ``ConnectionRegistry/closeIdle()`` those waiting for a request.
        public var connections: ConnectionRegistry?
        /// What `GET /readyz` answers besides its own checks: mark the node not ready through it.
        public var readiness = NodeReadiness()
        /// The audit trail (docs/audit.md), nil when it has no sink; its ``AuditTrail/statistics`` count what was
        /// written and dropped.
        public var auditTrail: AuditTrail?
    }

    /// The SQLite file inside the data folder.
    public static let databaseFileName = "latchkey.sqlite"

    /// Builds the application. `onListening` is called with the bound host and port once the server accepts
    /// connections (useful with port 0).
    /// - Parameter store: the identity store; nil opens ``databaseFileName`` (SQLite) in the data folder. The data
    ///   folder still holds the master key and the lock that keeps a second server out.
    /// - Parameter clock: the time every operation sees (tests pass a clock they move by hand).
    /// - Parameter accessKeyUsage: when recorded access-key uses are written to the store (every minute by default).
    public static func build(
        configuration: ServerConfiguration,
        logger: Logger,
        store injectedStore: (any LatchkeyStore)? = nil,
        clock: @escaping @Sendable () -> Date = { Date() },
        accessKeyUsage: AccessKeyUsageFlushing = AccessKeyUsageFlushing(),
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) async throws -> (application: some ApplicationProtocol, report: StartupReport) {
        // Refuse a taken port, then a data folder another server holds, before anything is written (StartupError).
        try StartupGuards.checkPortIsFree(host: configuration.host, port: configuration.port)
        // HTTPS: the certificate and key must load before anything is written (docs/tls-and-proxies.md).
        let tls = try TransportSetup.certificates(configuration.transport)
        // SQLite: the data folder holds the store and is locked (two servers on one file would each cache it). With
        // PostgreSQL the nodes share the database, not a folder: the folder is not locked, and is used only for
        // `master.key` when the key is given neither by LATCHKEY_MASTER_KEY nor by the configuration file (created
        // then, once the store accepted the key).
        let database = injectedStore == nil ? configuration.database : nil
        var postgres: PostgresStore.Configuration?
        if let database { postgres = try StoreStartup.postgresConfiguration(database) }
        // Metrics (GET /metrics, docs/metrics.md): a registry of this application's own; nil when turned off.
        let metrics = configuration.metrics.enabled ? ServerMetrics() : nil
        postgres?.metrics = metrics?.factory
        var dataDirectoryLock: DataDirectoryLock?
        if postgres == nil {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            dataDirectoryLock = try DataDirectoryLock.acquire(directory: configuration.dataDirectory)
        }
        let loadedKey = try MasterKeyLoader.load(configuration: configuration)
        let masterKey = loadedKey.key
        let opened: StoreStartup.Opened
        if let injectedStore {
            opened = StoreStartup.Opened(store: injectedStore, close: {})
        } else if let database, let postgres {
            opened = try await StoreStartup.openPostgres(postgres, database: database, logger: logger)
        } else {
            let databasePath = (configuration.dataDirectory as NSString).appendingPathComponent(databaseFileName)
            opened = try StoreStartup.openSQLite(path: databasePath, metrics: metrics?.factory)
            logger.debug("store: SQLite", metadata: ["path": "\(databasePath)"])
        }
        let store = opened.store
        // The master key must be the one the store's secrets are sealed with; a new key file is written only once
        // the store accepted it, and the check value after that (nothing is written by a refused start).
        do {
            let verdict = try await MasterKeyCheck.verify(masterKey, source: loadedKey.source, store: store)
            try loadedKey.persist()
            if verdict == .record {
                try await MasterKeyCheck.record(masterKey, source: loadedKey.source, store: store)
            }
        } catch {
            await opened.close()
            throw error
        }
        let createdMasterKey = loadedKey.pendingFile != nil
        let secretBox = SecretBox(masterKey: masterKey)

        let provisioner = Provisioner(store: store, secretBox: secretBox)
        if let plan = configuration.file?.bootstrap {
            try await provisioner.apply(plan, now: clock())
        }
        var report = StartupReport(createdAccount: nil, createdMasterKey: createdMasterKey)
        if let first = try await provisioner.createFirstAccountIfEmpty(now: clock()) {
            report.createdAccount = (first.accountId, first.key.accessKeyId, first.key.secretAccessKey)
        }
        // Cross-node coherence: the change feed (ChangeFeedService) polls the store's change sequence and calls its
        // subscribers (the caches below, the session keys, the revocations) when any node changed something; the
        // caches share its freshness rules. See docs/multi-node.md.
        let changes = ChangeFeed(store: store, onEvent: ChangeFeedService.logging(to: logger))
        // The session-token keys live in the store (recorded from sessionTokenKeyId on the first start) and are
        // reloaded on every change and by SessionKeysRefresher; see KeyAdministration for rotation.
        let readiness = report.readiness
        let sessionKeys = try await Self.loadSessionKeys(
            store: store, masterKey: masterKey, configuration: configuration, logger: logger, now: clock()
        ) {
            readiness.markNotReady(Self.masterKeyReadinessCheck.name, reason: Self.masterKeyReadinessCheck.reason)
        }
        Self.follow(sessionKeys, changes: changes, clock: clock, logger: logger)

        // Uses of long-term keys are kept in memory and written in batches (GetAccessKeyLastUsed).
        let usage = AccessKeyUsageRecorder(store: store)
        let resolver = CredentialResolver(
            store: store, secretBox: secretBox, sessionKeys: sessionKeys, freshness: changes.freshness, usage: usage,
            metrics: metrics?.factory)
        let mfa = MFAVerifier(store: store, secretBox: secretBox)
        let messages = AuthorizationMessageCodec(masterKey: masterKey)
        let authorizer = Authorizer(
            store: store, cache: PolicyCache(metrics: metrics?.factory), messages: messages,
            freshness: changes.freshness, metrics: metrics?.factory)
        let host = configuration.host
        let listeningPort = Mutex(configuration.port)
        let configuredBase = configuration.file?.outboundIssuerBaseURL
        TransportSetup.warnIfOutboundIssuerUnreachable(configuration, logger: logger)
        let rotationDays = configuration.file?.outboundKeyRotationDays ?? 30
        let outbound = OutboundIssuerService(
            store: store, secretBox: secretBox, keyRotationPeriod: .seconds(rotationDays * 86_400),
            freshness: changes.freshness, changeAnnouncer: { await changes.announce() }
        ) {
            configuredBase ?? "\(tls == nil ? "http" : "https")://\(host):\(listeningPort.withLock { $0 })/oidc"
        }
        var sts = SecurityTokenService(
            store: store, secretBox: secretBox, sessionKeys: sessionKeys, mfa: mfa, messages: messages,
            authorizer: authorizer)
        sts.outbound = outbound
        let fetcher = JWKSFetcher(
            configuration: JWKSFetcherConfiguration(
                additionalTrustRoots: try Self.trustedIdentityProviderCAs(configuration.file?.idpTrustedCAFile)),
            metrics: metrics?.factory)
        sts.webIdentity = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher, metrics: metrics?.factory))
        sts.saml = SAMLFederation(verifier: SAMLResponseVerifier())
        var iam = IAMService(
            store: store, secretBox: secretBox, resolver: resolver, mfa: mfa, authorizer: authorizer, clock: clock)
        iam.outbound = outbound
        iam.samlMetadata = SAMLMetadataParser()
        // The declarative seed (docs/seed.md): checked whole, then applied idempotently, as each account's root.
        if let seed = configuration.file?.seed {
            do {
                try await SeedApplier.applyAtStart(
                    seed, iam: iam, store: store, secretBox: secretBox, clock: clock, logger: logger,
                    announce: { await changes.announce() })
            } catch {
                try? await fetcher.shutdown()
                await opened.close()
                throw error
            }
        }
        changes.subscribeCaches(resolver: resolver, authorizer: authorizer, outbound: outbound)
        // Revoked sessions (RevokeSessions): the node's copy is read now, again on every change the feed sees, and
        // by SessionRevocationService as a backstop.
        let revocationSync = SessionRevocationSync(revocations: resolver.revocations, store: store, clock: clock)
        revocationSync.subscribe(to: changes)
        do {
            try await revocationSync.reload()
        } catch {
            logger.warning(
                "session revocations could not be read at start; read again on the next change and every 30 s",
                metadata: ["error": "\(error)"])
        }
        var endpoint = QueryEndpoint(
            operations: Self.operations(sts: sts, iam: iam), resolver: resolver, changes: changes,
            limits: configuration.limits,
            logger: logger, clock: clock)
        // The access log (docs/logging.md): only when its info lines would be written.
        if configuration.transport.accessLog, logger.logLevel <= .info {
            endpoint.observers.append(AccessLog(format: configuration.logFormat, writer: AccessLogWriter()))
        }
        // The audit trail (docs/audit.md): kept in a bounded buffer, written off the request path by AuditTrailWriter.
        let auditTrail = AuditTrail.make(
            settings: configuration.audit, store: store, readiness: report.readiness, logger: logger)
        if let auditTrail { endpoint.observers.append(auditTrail) }
        report.auditTrail = auditTrail
        if let metrics {
            endpoint.observers.append(metrics.requestObserver())
            metrics.watch(revocations: resolver.revocations)
            if let auditTrail { metrics.watch(audit: auditTrail) }
        }

        // Every path and method goes through the endpoint, so even a wrong one gets an AWS error document: one
        // responder, no router (nothing to route: a trie walk per request saved).
        let health = Health(store: store, readiness: report.readiness)
        let clientAddresses = ClientAddressResolver(
            trustedProxies: configuration.transport.trustedProxies, servesTLS: tls != nil)
        // CloudTrail LookupEvents (docs/lookup-events.md): the requests with an X-Amz-Target header.
        let lookupEvents = LookupEventsEndpoint(sharing: endpoint, store: store, authorizer: authorizer)
        let responder = CallbackResponder<LatchkeyRequestContext> { [endpoint] request, context in
            var context = context
            context.resolveClient(clientAddresses, headers: request.headers)
            // GET /healthz and /readyz: outside the AWS API (whose paths are / and the issuers' documents).
            if request.method == .get || request.method == .head, let response = await health.respond(to: request) {
                return response
            }
            if let metrics, let response = metrics.respond(to: request) { return response }
            if request.method == .get, request.uri.path.contains("/.well-known/"),
                let response = await Self.issuerDocument(outbound, path: request.uri.path, now: clock())
            {
                return response
            }
            if let response = await lookupEvents.respond(to: request, context: context) { return response }
            return await endpoint.respond(to: request, context: context)
        }

        // Connections: timeouts and the connection limit (oldest idle closed first), see LatchkeyHTTPChannel.
        let configuredLimit = configuration.connections.maxConnections
        let (connectionLimit, lowered) = ConnectionRegistry.effectiveLimit(configured: configuredLimit)
        if lowered {
            logger.warning(
                "maxConnections lowered to what the file-descriptor limit (ulimit -n) allows",
                metadata: ["configured": "\(configuredLimit ?? 0)", "max-connections": "\(connectionLimit)"])
        } else {
            logger.debug("connection limit", metadata: ["max-connections": "\(connectionLimit)"])
        }
        let connections = ConnectionRegistry(limit: connectionLimit)
        report.connections = connections
        let application = Application(
            responder: responder,
            server: LatchkeyHTTPChannel.builder(
                limits: ConnectionGuard.Limits(
                    configuration.connections, maxBodyBytes: configuration.limits.maxBodyBytes),
                registry: connections, tls: tls),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            services: [
                StoreCloser(close: opened.close),
                HTTPClientShutdown(fetcher: fetcher),
                DataDirectoryLockHolder(lock: dataDirectoryLock),
                AccessKeyUsageFlusher(recorder: usage, schedule: accessKeyUsage, logger: logger),
                ChangeFeedService(feed: changes),
                SessionRevocationService(sync: revocationSync, logger: logger),
                SessionKeysRefresher(
                    keys: sessionKeys, interval: SessionKeysRefresher.defaultInterval, clock: clock, logger: logger),
                AuditTrailWriter(trail: auditTrail),
                AuditRetentionService(
                    store: store, retentionDays: configuration.audit.retentionDays, clock: clock, logger: logger),
                await TLSReloadService(store: tls, logger: logger),
            ],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                listeningPort.withLock { $0 = port }
                await onListening(host, port)
            },
            logger: logger
        )
        return (application, report)
    }

    /// Every STS and IAM operation the endpoint serves.
    static func operations(sts: SecurityTokenService, iam: IAMService) -> OperationRegistry {
        var registry = OperationRegistry()
        sts.registerOperations(in: &registry)
        iam.registerRoleOperations(in: &registry)
        iam.registerManagedPolicyOperations(in: &registry)
        iam.registerUserAndGroupOperations(in: &registry)
        iam.registerProviderOperations(in: &registry)
        iam.registerTaggingOperations(in: &registry)
        iam.registerRevocationOperations(in: &registry)
        registry.notOffered()
        return registry
    }

    /// The certificates of `idpTrustedCAFile`, trusted besides the system roots for OIDC issuers.
    static func trustedIdentityProviderCAs(_ path: String?) throws -> [NIOSSLCertificate] {
        guard let path else { return [] }
        do {
            return try JWKSFetcherConfiguration.loadTrustedCAFile(path)
        } catch {
            throw ConfigurationFile.ParseError(
                line: nil, message: "idpTrustedCAFile \(path) is not a readable PEM file: \(error)")
        }
    }

    /// The discovery document or JWKS of an outbound issuer, served under the base URL's path.
    /// A document that cannot be read because the store is down is a 503 (JSON), not an AWS error for a bad action.
    static func issuerDocument(_ outbound: OutboundIssuerService, path: String, now: Date) async -> Response? {
        let basePath = outboundBasePath(outbound.baseURL)
        let data: Data?
        do {
            data = try await outbound.document(path: path, basePath: basePath, now: now)
        } catch {
            guard error.code == .serviceUnavailable else { return nil }
            return Health.json(.serviceUnavailable, #"{"error":"the identity store is unavailable; retry"}"#)
        }
        guard let data else { return nil }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The path of a base URL (`https://host:8443/oidc` → `/oidc`; none → ``).
    static func outboundBasePath(_ baseURL: String) -> String {
        guard let schemeEnd = baseURL.range(of: "://") else { return "" }
        let rest = baseURL[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// Closes the store (PostgreSQL's connection pool) once the server has stopped: services shut down in reverse
/// order, so this one, listed first, goes after the HTTP server and the usage flusher.
struct StoreCloser: Service {
    let close: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

/// Shuts the identity-provider HTTP client down when the server stops.
struct HTTPClientShutdown: Service {
    let fetcher: JWKSFetcher

    func run() async throws {
        try? await gracefulShutdown()
        try await fetcher.shutdown()
    }
}
