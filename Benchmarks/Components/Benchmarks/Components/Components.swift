import Benchmark
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyPolicy
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTokens

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The component benchmarks of the request path (Benchmarks/Components/README.md says what each one measures).
/// Every iteration is one operation, so the malloc count of a sample is the allocations of one operation; its p90
/// is checked against the budget in Thresholds/ (scripts/benchmarks check).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        // Enough iterations to fill every cache before the measured ones: the steady state of a server under load.
        warmupIterations: 100,
        maxDuration: .seconds(1),
        maxIterations: 10_000,
        thresholds: [.mallocCountTotal: Budget.tolerance])

    formParsing()
    sigV4()
    sessionTokens()
    policyEvaluation()
    responseWriting()
    operations()
}

/// How far a run may stray from a recorded budget before `thresholds check` reports it. Only the malloc count has a
/// budget; wall-clock time is reported, never checked (scripts/benchmarks update keeps it out of Thresholds/).
enum Budget {
    /// Allocations per operation above (or below) the recorded p90 that still count as equal. A steady-state loop
    /// allocates the same count every iteration; the p90 ignores the rare iteration that grows a cache or expires a
    /// cached entry, and two allocations of slack absorb what may differ between runs without being a change of the
    /// code (the length of a formatted number, an allocator's size class).
    static let allowedExtraAllocations = 2

    static var tolerance: BenchmarkThresholds {
        BenchmarkThresholds(absolute: [.p90: allowedExtraAllocations])
    }
}

/// Stops the run on an unexpected error: a benchmark that fails must not be measured as a fast one.
func must<T>(_ what: String, _ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        fatalError("\(what) failed: \(error)")
    }
}

// MARK: 1. Form parsing

/// The awsQuery body of an AssumeRole through the form parser and the operation's constraint table into the typed
/// input, as `QueryEndpoint` decodes a request (`QueryParameters.append(parsing:)`, `OperationSchema.decode`,
/// `AssumeRoleInput(validating:)`).
func formParsing() {
    Benchmark("QueryForm.AssumeRole") { (benchmark: Benchmark, body: [UInt8]) in
        for _ in benchmark.scaledIterations {
            let input = must("decoding the form") {
                // As QueryEndpoint.parseParameters and the registry do: the body's bytes parsed into one
                // QueryParameters, the typed input decoded straight from it.
                var parameters = QueryParameters()
                let parsed = body.withUnsafeBytes { bytes in
                    Result { () throws(QueryDecodingError) in try parameters.append(parsing: bytes) }
                }
                try parsed.get()
                guard parameters["Action"] == "AssumeRole" else { throw SetupError("no Action") }
                return try AssumeRoleInput(validating: parameters)
            }
            blackHole(input)
        }
    } setup: {
        let input = Samples.assumeRoleInput(
            account: Samples.account, policyArns: Samples.managedPolicyArns(account: Samples.account))
        return Array(try Samples.formBody(input).utf8)
    }
}

// MARK: 2. SigV4 verification

/// Requests signed once, in setup, with the SDK-side signer, and the signing key the verifier uses.
struct SignedRequests {
    /// POST / with a GetCallerIdentity form body, signed in header form with temporary credentials (so the
    /// `X-Amz-Security-Token` header is signed too).
    var header: SignableRequest
    var body: [UInt8]
    /// GET /?Action=GetCallerIdentity&... presigned with the same credentials.
    var presigned: SignableRequest
    var secretAccessKey: String
    /// The key derived for the credentials' scope: what the server's signing-key cache holds for a returning client.
    var signingKey: SigV4SigningKey

    static func make() throws -> SignedRequests {
        let keyRing = try SessionTokenKeyRing.derived(from: MasterKey.generate(), activeKeyID: 1)
        let claims = Samples.assumedRoleClaims()
        let credentials = SigV4Credentials(
            accessKeyID: claims.accessKeyId, secretAccessKey: claims.secretAccessKey,
            sessionToken: try keyRing.seal(claims))
        let signer = SigV4Signer(credentials: credentials, region: Samples.region, service: "sts")
        let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        let post = SignableRequest(
            method: "POST", rawPath: "/",
            headerPairs: [
                ("host", "localhost:4566"),
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("User-Agent", "aws-cli/2.22.4 md/Botocore#1.35.63 ua/2.0 os/linux#6.1.0 md/arch#x86_64"),
                ("Content-Length", String(body.count)),
            ],
            payloadHash: SignableRequest.hashPayload(body))
        let get = SignableRequest(
            method: "GET", rawPath: "/", rawQuery: "Action=GetCallerIdentity&Version=2011-06-15",
            headerPairs: [("host", "localhost:4566")])
        return SignedRequests(
            header: try signer.sign(post, date: Samples.now).request, body: body,
            presigned: try signer.presign(get, date: Samples.now, expires: 900).request,
            secretAccessKey: claims.secretAccessKey,
            signingKey: SigV4.signingKey(
                secretAccessKey: claims.secretAccessKey, date: "20250615", region: Samples.region, service: "sts"))
    }
}

/// What the server does per signed request: hash the body, parse the authorization, verify. With the signing key
/// of a returning client (derived once, as the server's `SigningKeyCache` keeps it; the cache lookup itself is
/// the server's and not measured here), and once more deriving the key as for a client seen for the first time.
func sigV4() {
    Benchmark("SigV4.Verify.Header") { (benchmark: Benchmark, signed: SignedRequests) in
        for _ in benchmark.scaledIterations {
            must("verifying the header-form request") {
                var request = signed.header
                request.payloadHash = SignableRequest.hashPayload(signed.body)
                guard let authorization = try SigV4.parseAuthorization(request: request) else {
                    throw SetupError("no authorization")
                }
                try SigV4.verify(
                    authorization, request: request, signingKey: signed.signingKey, now: Samples.now,
                    expectedService: "sts")
            }
        }
    } setup: {
        try SignedRequests.make()
    }

    Benchmark("SigV4.Verify.Header.NewClient") { (benchmark: Benchmark, signed: SignedRequests) in
        for _ in benchmark.scaledIterations {
            must("verifying the header-form request") {
                var request = signed.header
                request.payloadHash = SignableRequest.hashPayload(signed.body)
                guard let authorization = try SigV4.parseAuthorization(request: request) else {
                    throw SetupError("no authorization")
                }
                try SigV4.verify(
                    authorization, request: request, secretAccessKey: signed.secretAccessKey, now: Samples.now,
                    expectedService: "sts")
            }
        }
    } setup: {
        try SignedRequests.make()
    }

    Benchmark("SigV4.Verify.Presigned") { (benchmark: Benchmark, signed: SignedRequests) in
        for _ in benchmark.scaledIterations {
            must("verifying the presigned request") {
                guard let authorization = try SigV4.parseAuthorization(request: signed.presigned) else {
                    throw SetupError("no authorization")
                }
                try SigV4.verify(
                    authorization, request: signed.presigned, signingKey: signed.signingKey, now: Samples.now,
                    expectedService: "sts")
            }
        }
    } setup: {
        try SignedRequests.make()
    }
}

// MARK: 3. Session tokens

struct TokenState {
    var keyRing: SessionTokenKeyRing
    var claims: SessionTokenClaims
    var token: String
    var secretBox: SecretBox
    var sealedSecret: [UInt8]
    var secretContext: String

    static func make() throws -> TokenState {
        // As LatchkeyApplication derives them from the master key: the ring for session tokens, the box for secrets
        // at rest.
        let masterKey = MasterKey.generate()
        let keyRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1, acceptedKeyIDs: 1...1)
        let secretBox = SecretBox(masterKey: masterKey)
        let claims = Samples.assumedRoleClaims()
        let context = "access-key:AKIAQNZGKIQY2EXAMPLE"
        return TokenState(
            keyRing: keyRing, claims: claims, token: try keyRing.seal(claims), secretBox: secretBox,
            sealedSecret: secretBox.seal(Array("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".utf8), context: context),
            secretContext: context)
    }
}

/// A role session's claims (three tags, two policy ARNs, a source identity) sealed into a session token and opened
/// again, as AssumeRole and the credential resolver do; and a long-term secret opened from its at-rest form, as the
/// resolver does when an access key is not cached.
func sessionTokens() {
    Benchmark("SessionToken.Seal") { (benchmark: Benchmark, state: TokenState) in
        for _ in benchmark.scaledIterations {
            blackHole(must("sealing") { try state.keyRing.seal(state.claims) })
        }
    } setup: {
        try TokenState.make()
    }

    Benchmark("SessionToken.Open") { (benchmark: Benchmark, state: TokenState) in
        for _ in benchmark.scaledIterations {
            blackHole(must("opening") { try state.keyRing.open(state.token) })
        }
    } setup: {
        try TokenState.make()
    }

    Benchmark("SecretBox.Open.AccessKeySecret") { (benchmark: Benchmark, state: TokenState) in
        for _ in benchmark.scaledIterations {
            blackHole(must("opening") { try state.secretBox.open(state.sealedSecret, context: state.secretContext) })
        }
    } setup: {
        try TokenState.make()
    }
}

// MARK: 4. Policy evaluation

/// The decision AssumeRole asks for: may alice (tagged team=platform) assume the role, by its trust policy (naming
/// her ARN, with an external ID and a principal-tag condition) and her identity policy (allowing sts:AssumeRole on
/// the role).
struct DecisionState {
    var world: World
    var cache: PolicyCache
    var caller: Caller
    var trustText: String
    var extra: ConditionContext

    static func make() async throws -> DecisionState {
        let world = try await World.make()
        let resolver = world.deployment.resolver
        let caller = try await resolver.resolve(accessKeyId: world.userAccessKeyId, sessionToken: nil, now: world.now)
        let input = world.assumeRole
        // The request-specific keys AssumeRole adds (SecurityTokenService.assumeRole).
        var extra = ConditionContext()
        extra.set(.roleSessionName, input.roleSessionName)
        extra.set(.externalId, Samples.externalId)
        extra.set(.stsSourceIdentity, Samples.userName)
        for tag in input.tags ?? [] { extra.set("aws:RequestTag/\(tag.key)", [tag.value]) }
        extra.set(.tagKeys, (input.tags ?? []).map(\.key))
        extra.set(.transitiveTagKeys, input.transitiveTagKeys ?? [])
        let state = DecisionState(
            world: world, cache: PolicyCache(), caller: caller.caller.with(World.request),
            trustText: Samples.trustPolicy(account: world.accountId), extra: extra)
        _ = try await state.decide()
        return state
    }

    /// The trust policy from the parsed-document cache and the authorizer's decision, as AssumeRole gets them.
    func decide() async throws -> AuthorizationDecision {
        let trust = NamedPolicy(
            id: "\(world.roleArn) (trust policy)", document: try cache.document(trustText, kind: .resource))
        let (decision, _) = try await world.deployment.authorizer.decide(
            caller: caller, action: "sts:AssumeRole", resource: world.roleArn, resourceAccount: world.accountId,
            resourcePolicy: trust, resourceKind: .roleTrust, extra: extra, now: world.now)
        guard decision.isAllowed else { throw SetupError("denied: \(decision.reason)") }
        return decision
    }
}

/// The same decision in LatchkeyPolicy alone: parsed documents and a prepared request context, no store, no cache.
struct EvaluationState {
    var input: AuthorizationInput

    static func make() throws -> EvaluationState {
        let account = Samples.account
        let userArn = "arn:aws:iam::\(account):user/\(Samples.userName)"
        let roleArn = "arn:aws:iam::\(account):role/\(Samples.roleName)"
        let context = ConditionContext([
            "aws:CurrentTime": ["2025-06-15T15:06:40Z"], "aws:EpochTime": ["1750000000"],
            "aws:SecureTransport": ["false"], "aws:SourceIp": ["127.0.0.1"],
            "aws:UserAgent": ["aws-cli/2.22.4 md/Botocore#1.35.63"], "aws:RequestedRegion": [Samples.region],
            "aws:PrincipalArn": [userArn], "aws:PrincipalAccount": [account], "aws:userid": ["AIDAQNZGKIQYEXAMPLE01"],
            "aws:PrincipalTag/team": ["platform"], "aws:PrincipalType": ["User"], "aws:username": [Samples.userName],
            "sts:RoleSessionName": [Samples.sessionName], "sts:ExternalId": [Samples.externalId],
            "sts:SourceIdentity": [Samples.userName], "aws:RequestTag/project": ["latchkey"],
            "aws:RequestTag/cost-center": ["cc-1234"], "aws:RequestTag/pipeline": ["release"],
            "aws:TagKeys": ["project", "cost-center", "pipeline"], "sts:TransitiveTagKeys": ["project"],
        ])
        let request = PolicyRequest(
            action: "sts:AssumeRole", resource: roleArn, principal: .aws(userArn, account: account), context: context)
        let trust = try PolicyDocument.parse(Samples.trustPolicy(account: account), kind: .resource)
        let identity = try PolicyDocument.parse(Samples.identityPolicy(account: account), kind: .identity)
        let input = AuthorizationInput(
            request: request, principalAccount: account, resourceAccount: account,
            identityPolicies: [NamedPolicy(id: "\(userArn)/assume-deploy", document: identity)],
            resourcePolicy: NamedPolicy(id: "\(roleArn) (trust policy)", document: trust), resourceKind: .roleTrust)
        guard Authorization.decide(input).isAllowed else { throw SetupError("the sample decision is a denial") }
        return EvaluationState(input: input)
    }
}

func policyEvaluation() {
    Benchmark("Policy.Decide.AssumeRole") { (benchmark: Benchmark, state: DecisionState) async in
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try await state.decide())
            } catch {
                fatalError("deciding failed: \(error)")
            }
        }
    } setup: {
        try await DecisionState.make()
    }

    Benchmark("Policy.Evaluate.TrustAndIdentity") { (benchmark: Benchmark, state: EvaluationState) in
        for _ in benchmark.scaledIterations {
            blackHole(Authorization.decide(state.input))
        }
    } setup: {
        try EvaluationState.make()
    }
}

// MARK: 5. XML responses

struct Responses {
    var assumeRole: AssumeRoleOutput
    var callerIdentity: GetCallerIdentityOutput

    static func make() throws -> Responses {
        let claims = Samples.assumedRoleClaims()
        let keyRing = try SessionTokenKeyRing.derived(from: MasterKey.generate(), activeKeyID: 1)
        return Responses(
            assumeRole: AssumeRoleOutput(
                credentials: Credentials(
                    accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey,
                    sessionToken: try keyRing.seal(claims), expiration: claims.expiresAt),
                assumedRoleUser: AssumedRoleUser(assumedRoleId: claims.userId, arn: claims.principalArn),
                packedPolicySize: 9, sourceIdentity: claims.sourceIdentity),
            callerIdentity: GetCallerIdentityOutput(
                userId: claims.userId, account: claims.accountId, arn: claims.principalArn))
    }
}

/// The generated encoder's response node and the XML document around it, as the endpoint answers.
func responseWriting() {
    Benchmark("XML.AssumeRoleResponse") { (benchmark: Benchmark, responses: Responses) in
        for _ in benchmark.scaledIterations {
            blackHole(
                QueryResponse.xmlBytes(
                    action: "AssumeRole", namespace: QueryResponse.stsNamespace,
                    result: responses.assumeRole.responseNode, requestId: Samples.requestId))
        }
    } setup: {
        try Responses.make()
    }

    Benchmark("XML.GetCallerIdentityResponse") { (benchmark: Benchmark, responses: Responses) in
        for _ in benchmark.scaledIterations {
            blackHole(
                QueryResponse.xmlBytes(
                    action: "GetCallerIdentity", namespace: QueryResponse.stsNamespace,
                    result: responses.callerIdentity.responseNode, requestId: Samples.requestId))
        }
    } setup: {
        try Responses.make()
    }
}

// MARK: 6. Whole operations

/// AssumeRole and GetCallerIdentity through the STS service over the SQLite store, without HTTP: the caller
/// resolved from its access key as the server's authentication resolves it (`CredentialResolver`, with the use of a
/// long-term key recorded), then the operation. Caches are warm (setup ran the operation once, and the warm-up
/// iterations run it again): the access key, the role, the user's policies and the parsed documents come from
/// memory, and so do the documents of the two managed session policies AssumeRole names (cached by the authorizer
/// until a change is announced): no call reads the store.
func operations() {
    Benchmark("Operation.AssumeRole") { (benchmark: Benchmark, world: World) async in
        let resolver = world.deployment.resolver
        for _ in benchmark.scaledIterations {
            do {
                let now = world.now
                let resolved = try await resolver.resolve(
                    accessKeyId: world.userAccessKeyId, sessionToken: nil, now: now)
                resolver.recordUse(of: resolved.caller, serviceName: "sts", region: Samples.region, at: now)
                let output = try await world.deployment.sts.assumeRole(
                    world.assumeRole, caller: resolved.caller.with(World.request), now: now)
                blackHole(output)
            } catch {
                fatalError("AssumeRole failed: \(error)")
            }
        }
    } setup: {
        try await World.make()
    }

    Benchmark("Operation.GetCallerIdentity.Temporary") { (benchmark: Benchmark, world: World) async in
        let resolver = world.deployment.resolver
        let session = world.session
        for _ in benchmark.scaledIterations {
            do {
                let resolved = try await resolver.resolve(
                    accessKeyId: session.accessKeyId, sessionToken: session.sessionToken, now: world.now)
                blackHole(
                    world.deployment.sts.getCallerIdentity(
                        GetCallerIdentityInput(), caller: resolved.caller.with(World.request)))
            } catch {
                fatalError("GetCallerIdentity failed: \(error)")
            }
        }
    } setup: {
        try await World.make()
    }
}
