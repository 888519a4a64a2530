import Foundation
import HTTPTypes
import Hummingbird
import LatchkeyBase
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyPolicy
import LatchkeySigV4
import Logging
import NIOCore

/// CloudTrail's `LookupEvents` on the server's one endpoint: `POST /` with
/// `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents` and a JSON body (AWS's JSON
/// 1.1 protocol), signed with SigV4 for the service `cloudtrail`. It reads the audit trail's store (docs/audit.md,
/// docs/lookup-events.md).
///
/// Every request with an `X-Amz-Target` header comes here (the Query protocol never sends one); any other target is
/// `UnknownOperationException`. Authentication is the Query endpoint's (its resolver and signing-key cache); the
/// caller must be its account's root or a principal whose policies allow `cloudtrail:LookupEvents` (decided by the
/// IAM ``Authorizer``), and sees its own account's events only. Errors are JSON-protocol documents
/// (`{"__type": "...", "message": "..."}`), never a 500.
struct LookupEventsEndpoint: Sendable {
    static let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
    static let targetHeader = HTTPField.Name("X-Amz-Target")!
    static let contentType = "application/x-amz-json-1.1"
    static let action = "cloudtrail:LookupEvents"
    /// The most events one page holds (CloudTrail's limit).
    static let maxResultsLimit = 50
    /// The longest lookup attribute value CloudTrail takes.
    static let maxAttributeValueLength = 2000

    let resolver: CredentialResolver
    let signingKeys: SigningKeyCache
    let limits: ServerConfiguration.Limits
    let clock: @Sendable () -> Date
    let store: any AuditStore
    let authorizer: Authorizer
    let logger: Logger

    /// Shares the Query endpoint's resolver, signing-key cache, limits and clock.
    init(sharing query: QueryEndpoint, store: any AuditStore, authorizer: Authorizer) {
        self.resolver = query.resolver
        self.signingKeys = query.signingKeys
        self.limits = query.limits
        self.clock = query.clock
        self.logger = query.logger
        self.store = store
        self.authorizer = authorizer
    }

    /// An error in the JSON protocol's form.
    struct Failure: Error {
        var type: String
        var message: String
        var status: HTTPResponse.Status = .badRequest
    }

    /// The answer when the request names an `X-Amz-Target`; nil otherwise (a Query request, for ``QueryEndpoint``).
    func respond(to request: Request, context: LatchkeyRequestContext) async -> Response? {
        guard let target = request.headers[Self.targetHeader] else { return nil }
        let requestId = RequestID.next()
        do {
            let body = try await answer(request, target: target, context: context)
            return Self.response(status: .ok, body: body, requestId: requestId)
        } catch {
            logger.debug(
                "LookupEvents failed",
                metadata: ["request-id": "\(requestId)", "code": "\(error.type)", "status": "\(error.status.code)"])
            let body = JSONValue.object(
                JSONObject(members: [
                    .init(key: "__type", value: .string(error.type)),
                    .init(key: "message", value: .string(error.message)),
                ]))
            return Self.response(status: error.status, body: body.serialized, requestId: requestId)
        }
    }

    static func response(status: HTTPResponse.Status, body: String, requestId: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, QueryEndpoint.requestIdHeader: requestId],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func answer(
        _ request: Request, target: String, context: LatchkeyRequestContext
    ) async throws(Failure) -> String {
        guard request.method == .post else {
            throw Failure(
                type: "UnknownOperationException",
                message: "The JSON protocol takes POST, not \(request.method.rawValue.prefix(16)).")
        }
        guard target == Self.target else {
            throw Failure(type: "UnknownOperationException", message: "Unknown operation \(target.prefix(200)).")
        }
        let body = try await collectBody(request)
        let now = clock()
        let caller = try await authenticate(request, body: body, context: context, now: now)
        try await authorize(caller, now: now)
        let parsed = try Self.parse(body)
        // EventCategory insight: this server records no Insights events.
        if parsed.insights { return #"{"Events":[]}"# }
        var query = parsed.query
        query.accountId = caller.accountId
        let page: AuditPage
        do {
            page = try await store.auditRecords(query)
        } catch let error as StoreError where error.code == .notFound {
            throw Failure(
                type: "InvalidNextTokenException",
                message: "A token that is not valid, or a token that was previously used in a request with "
                    + "different parameters, was specified.")
        } catch {
            logger.warning("LookupEvents: the audit store failed", metadata: ["error": "\(error)"])
            throw Failure(
                type: "ServiceUnavailableException", message: "The audit store is unavailable. Please retry.",
                status: .serviceUnavailable)
        }
        return Self.render(page)
    }

    // MARK: Steps

    private func collectBody(_ request: Request) async throws(Failure) -> ByteBuffer {
        let tooLarge = Failure(
            type: "RequestEntityTooLargeException",
            message: "Request body is larger than the limit of \(limits.maxBodyBytes) bytes.",
            status: .contentTooLarge)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes {
            throw tooLarge
        }
        do {
            return try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw Failure(type: "SerializationException", message: "The request body could not be read.")
        }
    }

    /// The Query endpoint's SigV4 check with the service `cloudtrail`; its errors as CloudTrail names them.
    private func authenticate(
        _ request: Request, body: ByteBuffer, context: LatchkeyRequestContext, now: Date
    ) async throws(Failure) -> Caller {
        let signable = QueryEndpoint.signableRequest(request, body: body)
        let authorization: SigV4Authorization
        do {
            guard let parsed = try SigV4.parseAuthorization(request: signable) else {
                throw Failure(
                    type: "MissingAuthenticationTokenException", message: "Missing Authentication Token",
                    status: .forbidden)
            }
            authorization = parsed
        } catch let error as Failure {
            throw error
        } catch let error as SigV4Error {
            throw Self.authenticationFailure(STSError(error))
        } catch {
            throw Self.authenticationFailure(STSError(.incompleteSignature, "The signature could not be read."))
        }
        let resolved: CredentialResolver.Resolved
        do {
            resolved = try await resolver.resolve(
                accessKeyId: authorization.accessKeyID, sessionToken: authorization.securityToken, now: now)
        } catch {
            throw Self.authenticationFailure(error)
        }
        let signingKey = signingKeys.key(
            accessKeyID: authorization.accessKeyID, secretAccessKey: resolved.secretAccessKey,
            scope: authorization.scope)
        do {
            try SigV4.verify(
                authorization, request: signable, signingKey: signingKey, now: now, expectedService: "cloudtrail")
        } catch {
            throw Self.authenticationFailure(STSError(error))
        }
        resolver.recordUse(
            of: resolved.caller, serviceName: "cloudtrail", region: authorization.scope.region, at: now)
        var caller = resolved.caller
        caller.request = RequestMetadata(
            sourceIp: context.sourceIp, userAgent: request.headers[.userAgent],
            secureTransport: context.secureTransport, requestedRegion: authorization.scope.region)
        return caller
    }

    /// An authentication error of the Query endpoint as a JSON-protocol service answers it.
    static func authenticationFailure(_ error: STSError) -> Failure {
        let status = HTTPResponse.Status(code: error.code.httpStatus)
        switch error.code.wireCode {
        case STSError.Code.invalidClientTokenId.wireCode:
            return Failure(
                type: "UnrecognizedClientException", message: "The security token included in the request is invalid.",
                status: .badRequest)
        case STSError.Code.signatureDoesNotMatch.wireCode:
            return Failure(type: "InvalidSignatureException", message: error.message, status: .badRequest)
        case STSError.Code.missingAuthenticationToken.wireCode:
            return Failure(type: "MissingAuthenticationTokenException", message: error.message, status: .forbidden)
        case STSError.Code.incompleteSignature.wireCode:
            return Failure(type: "IncompleteSignatureException", message: error.message, status: .badRequest)
        case STSError.Code.expiredToken.wireCode, STSError.Code.expiredTokenException.wireCode:
            return Failure(
                type: "ExpiredTokenException", message: "The security token included in the request is expired",
                status: .badRequest)
        case STSError.Code.serviceUnavailable.wireCode:
            return Failure(type: "ServiceUnavailableException", message: error.message, status: .serviceUnavailable)
        default:
            let code = error.code.wireCode
            return Failure(
                type: code.hasSuffix("Exception") ? code : code + "Exception", message: error.message,
                status: status.code >= 500 ? .serviceUnavailable : status)
        }
    }

    /// The root of the account, or a principal whose policies allow `cloudtrail:LookupEvents`.
    private func authorize(_ caller: Caller, now: Date) async throws(Failure) {
        let allowed: Bool
        let explicitDeny: Bool
        do throws(STSError) {
            let decision = try await authorizer.decide(
                caller: caller, action: Self.action, resource: "*", resourceAccount: caller.accountId, now: now
            ).decision
            (allowed, explicitDeny) = (decision.isAllowed, decision.isExplicitDeny)
        } catch {
            throw Self.authenticationFailure(error)
        }
        guard allowed else {
            throw Failure(
                type: "AccessDeniedException",
                message: "User: \(caller.arn) is not authorized to perform: \(Self.action) because "
                    + (explicitDeny
                        ? "an explicit deny in a policy denies the \(Self.action) action"
                        : "no identity-based policy allows the \(Self.action) action"))
        }
    }
}
