import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery
import LatchkeySigV4
import Logging
import NIOCore
import NIOHTTP1

/// The single Query-protocol endpoint: `POST /` (form body) and `GET /?...`.
///
/// Pipeline, each step bounded and with its own AWS error: read the body (capped) → parse the form strictly →
/// pick the API by `Version` and the operation by `Action` → authenticate (SigV4, credential scope service must
/// match the API) → validate every parameter against the operation's constraint table → run the operation →
/// render XML (or JSON when the client asks for it).
struct QueryEndpoint: Sendable {
    /// Every STS and IAM operation, by service and `Action`.
    let operations: OperationRegistry
    let resolver: CredentialResolver
    /// Told after every IAM write (``announceWrite(_:)``): this node's caches are dropped at once and the other
    /// nodes are told through the store's change sequence.
    let changes: ChangeFeed
    let signingKeys = SigningKeyCache()
    let limits: ServerConfiguration.Limits
    let logger: Logger
    let clock: @Sendable () -> Date

    static let requestIdHeader = HTTPField.Name("x-amzn-RequestId")!

    /// Told of every answered request (audit trail, metrics, access log); empty: nothing is recorded and nothing
    /// costs.
    var observers: [any RequestObserver] = []

    func respond(to request: Request, context: LatchkeyRequestContext) async -> Response {
        guard !observers.isEmpty else {
            var unobserved: CompletedRequest?
            return await handle(request, context: context, record: &unobserved)
        }
        let started = ContinuousClock.now
        var record: CompletedRequest? = CompletedRequest(
            requestId: "", api: .sts, declaration: nil, eventTime: clock(), duration: .zero, caller: nil,
            signingAccessKeyId: nil,
            metadata: RequestMetadata(
                sourceIp: context.sourceIp, userAgent: request.headers[.userAgent],
                secureTransport: context.secureTransport),
            input: nil, result: nil, error: nil, status: 200)
        let response = await handle(request, context: context, record: &record)
        guard var completed = record else { return response }
        completed.duration = ContinuousClock.now - started
        completed.status = response.status.code
        for observer in observers { observer.requestCompleted(completed) }
        return response
    }

    /// The request's answer; `record`, when not nil, is filled in as the request goes (see ``CompletedRequest``).
    private func handle(
        _ request: Request, context: LatchkeyRequestContext, record: inout CompletedRequest?
    ) async -> Response {
        let requestId = RequestID.next()
        record?.requestId = requestId
        let wantsJSON = request.headers[.accept]?.contains("application/json") ?? false
        var api = QueryAPI.sts
        var action = "-"
        do {
            guard request.method == .get || request.method == .post else {
                throw STSError(
                    .invalidAction,
                    "The Query protocol takes GET or POST, not \(request.method.rawValue.prefix(16)).")
            }
            let body = try await collectBody(request)
            let parameters = try parseParameters(request: request, body: body)
            guard let actionName = parameters["Action"] else {
                throw STSError(.missingAction, "The request must contain the parameter Action.")
            }
            let version = parameters["Version"] ?? "NO_VERSION_SPECIFIED"
            guard let selected = QueryAPI(version: version) else {
                throw STSError(.invalidAction, "Could not find operation \(actionName) for version \(version)")
            }
            api = selected
            record?.api = selected
            guard let operation = operations.entry(api.service, action: actionName) else {
                throw STSError(.invalidAction, "Could not find operation \(actionName) for version \(version)")
            }
            let declaration = operation.declaration
            action = actionName  // only known names reach the logs
            record?.declaration = declaration
            let now = clock()
            record?.eventTime = now
            var signingAccessKeyId: String?
            let authenticated: Result<Caller?, STSError>
            do throws(STSError) {
                authenticated = .success(
                    try await authenticate(
                        request: request, body: body, api: api, isUnsigned: declaration.isUnsigned, now: now,
                        sourceIp: context.sourceIp, secureTransport: context.secureTransport,
                        signingAccessKeyId: &signingAccessKeyId))
            } catch {
                authenticated = .failure(error)
            }
            record?.signingAccessKeyId = signingAccessKeyId
            let caller = try authenticated.get()
            record?.caller = caller
            let input = try declaration.schema.decode(parameters)
            record?.input = input
            let metadata =
                caller?.request
                ?? RequestMetadata(
                    sourceIp: context.sourceIp, userAgent: request.headers[.userAgent],
                    secureTransport: context.secureTransport)
            record?.metadata = metadata
            let result: ResponseNode?
            do {
                result = try await operation.run(
                    input, OperationContext(caller: caller, now: now, requestId: requestId, metadata: metadata))
            } catch {
                if declaration.access == .write { await announceWrite(failedWith: error) }
                throw error
            }
            // A write changes IAM state: no node's cache may outlive it. Announced before the answer, so a client
            // that goes on to another node once it has the answer finds the change announced.
            if declaration.access == .write { await announceWrite(failedWith: nil) }
            record?.result = result
            return success(action: actionName, api: api, result: result, requestId: requestId, json: wantsJSON)
        } catch let error as STSError {
            log(error, action: action, requestId: requestId)
            record?.error = error
            return failure(error, api: api, requestId: requestId, json: wantsJSON)
        } catch let error as StoreError where error.code == .unavailable {
            // A store failure no service turned into an AWS error: still the retryable 503, never a 500.
            let unavailable = STSError(
                .serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
            log(unavailable, action: action, requestId: requestId)
            record?.error = unavailable
            return failure(unavailable, api: api, requestId: requestId, json: wantsJSON)
        } catch {
            logger.error(
                "unexpected error",
                metadata: [
                    "request-id": "\(requestId)", "action": "\(action)", "error": "\(String(reflecting: error))",
                ])
            let internalError = STSError(
                .internalFailure, "The request processing has failed because of an unknown error, exception or failure."
            )
            record?.error = internalError
            return failure(internalError, api: api, requestId: requestId, json: wantsJSON)
        }
    }

    // MARK: Steps

    /// The body, up to the limit. A declared `Content-Length` over the limit is refused before the body arrives
    /// (the connection then closes without reading it); a body that fails to decode or stalls gets its own error.
    private func collectBody(_ request: Request) async throws(STSError) -> ByteBuffer {
        let tooLarge = STSError.Code.requestEntityTooLarge
        let tooLargeMessage = "Request body is larger than the limit of \(limits.maxBodyBytes) bytes."
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes {
            throw STSError(tooLarge, tooLargeMessage)
        }
        do {
            return try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch let error as NIOTooManyBytesError {
            throw STSError(tooLarge, tooLargeMessage, cause: error)
        } catch let error as HTTPParserError {
            throw ProtocolFaults.error(for: error)
        } catch let error as ConnectionGuard.BodyTimeout {
            throw ProtocolFaults.bodyTimeout(cause: error)
        } catch {
            throw STSError(.invalidRequest, "The request body could not be read.", cause: error)
        }
    }

    /// Verifies the SigV4 signature and resolves the caller. Returns nil for the unsigned federation calls.
    private func authenticate(
        request: Request, body: ByteBuffer, api: QueryAPI, isUnsigned: Bool, now: Date, sourceIp: String?,
        secureTransport: Bool, signingAccessKeyId: inout String?
    ) async throws(STSError) -> Caller? {
        let signable = Self.signableRequest(request, body: body)
        let authorization: SigV4Authorization?
        do {
            authorization = try SigV4.parseAuthorization(request: signable)
        } catch {
            throw STSError(error)
        }
        guard let authorization else {
            if isUnsigned { return nil }
            throw STSError(.missingAuthenticationToken, "Request is missing Authentication Token")
        }
        signingAccessKeyId = authorization.accessKeyID
        let resolved = try await resolver.resolve(
            accessKeyId: authorization.accessKeyID, sessionToken: authorization.securityToken, now: now)
        let signingKey = signingKeys.key(
            accessKeyID: authorization.accessKeyID, secretAccessKey: resolved.secretAccessKey,
            scope: authorization.scope)
        do {
            try SigV4.verify(
                authorization, request: signable, signingKey: signingKey, now: now, expectedService: api.signingService)
        } catch {
            throw STSError(error)
        }
        // Only now that the signature verified: a use of a long-term key, for GetAccessKeyLastUsed (in memory).
        resolver.recordUse(
            of: resolved.caller, serviceName: api.signingService, region: authorization.scope.region, at: now)
        var caller = resolved.caller
        caller.request = RequestMetadata(
            sourceIp: sourceIp, userAgent: request.headers[.userAgent], secureTransport: secureTransport,
            requestedRegion: authorization.scope.region)
        return caller
    }

    /// Announces a write (``ChangeFeed/announce()``) unless it failed with a client error: a refused write
    /// (validation, AccessDenied, a conflict) changed nothing, and announcing it would let any caller flush every
    /// node's caches. Nor when the database could not be reached: the write did not commit, and this node's caches,
    /// which serve cached requests through the outage, must not be dropped (the feed drops them all once the database
    /// answers again). Any other failure of the server may follow a partial change: announced.
    private func announceWrite(failedWith error: (any Error)?) async {
        if let error = error as? STSError, error.code.httpStatus < 500 || error.code == .serviceUnavailable { return }
        if let error = error as? StoreError, error.code == .unavailable { return }
        await changes.announce()
    }

    private func log(_ error: STSError, action: String, requestId: String) {
        let level: Logger.Level = error.code.httpStatus >= 500 ? .error : .debug
        logger.log(
            level: level, "request failed",
            metadata: [
                "request-id": "\(requestId)", "action": "\(action)", "code": "\(error.code.wireCode)",
                "detail": "\(error.debugDescription)",
            ])
    }
}

extension STSError {
    /// A SigV4 failure as AWS reports it.
    init(_ error: SigV4Error) {
        self.init(Code(error.code.wireCode, error.code.httpStatus), error.message, cause: error)
    }
}
