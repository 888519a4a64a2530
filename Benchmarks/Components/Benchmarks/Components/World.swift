import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeySQLite
import LatchkeyTokens

/// The services as `LatchkeyApplication.build` wires them (one policy cache, one authorizer, the credential resolver
/// with its usage recorder), over the SQLite store in a temporary folder: the default store users run. Built here
/// rather than with LatchkeyTestSupport's `ServiceFixture`, which would bring the whole server (Hummingbird, NIO,
/// TLS) into this package's build.
struct Deployment: Sendable {
    let store: SQLiteIdentityStore
    let folder: String
    let secretBox: SecretBox
    let keyRing: SessionTokenKeyRing
    let resolver: CredentialResolver
    let authorizer: Authorizer
    let sts: SecurityTokenService
    let iam: IAMService
    let accountId: String
    /// The account's root, calling with its long-term key.
    let root: Caller

    static func make(now: Date) async throws -> Deployment {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("latchkey-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try SQLiteIdentityStore(path: folder + "/latchkey.sqlite")
        let masterKey = MasterKey.generate()
        let secretBox = SecretBox(masterKey: masterKey)
        let keyRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1, acceptedKeyIDs: 1...1)
        guard
            let first = try await Provisioner(store: store, secretBox: secretBox).createFirstAccountIfEmpty(now: now)
        else { throw SetupError("the new store already holds an account") }
        let usage = AccessKeyUsageRecorder(store: store)
        let resolver = CredentialResolver(store: store, secretBox: secretBox, keyRing: keyRing, usage: usage)
        let mfa = MFAVerifier(store: store, secretBox: secretBox)
        let messages = AuthorizationMessageCodec(masterKey: masterKey)
        let authorizer = Authorizer(store: store, cache: PolicyCache(), messages: messages)
        let sts = SecurityTokenService(
            store: store, secretBox: secretBox, keyRing: keyRing, mfa: mfa, messages: messages, authorizer: authorizer)
        let iam = IAMService(
            store: store, secretBox: secretBox, resolver: resolver, mfa: mfa, authorizer: authorizer, clock: { now })
        let root = try await resolver.resolve(accessKeyId: first.key.accessKeyId, sessionToken: nil, now: now)
        return Deployment(
            store: store, folder: folder, secretBox: secretBox, keyRing: keyRing, resolver: resolver,
            authorizer: authorizer, sts: sts, iam: iam, accountId: first.accountId, root: root.caller)
    }
}

/// A deployment holding the user `alice` (tagged `team=platform`, with an access key and an inline policy allowing
/// `sts:AssumeRole` on the role), the role `deploy` (trusting alice by ARN with an external-ID and a principal-tag
/// condition) and two managed policies passed as session policies. Created through the IAM operations, as an
/// administrator would.
final class World: Sendable {
    let deployment: Deployment
    let roleArn: String
    let userAccessKeyId: String
    let assumeRole: AssumeRoleInput
    /// A session of the role, from one AssumeRole in setup: the temporary credentials a returning client signs with.
    let session: Credentials

    var accountId: String { deployment.accountId }
    /// Every operation runs at this instant (signatures and sessions are made for it).
    var now: Date { Samples.now }

    /// What the server's authentication attaches to the caller (`QueryEndpoint.authenticate`).
    static let request = RequestMetadata(
        sourceIp: "127.0.0.1", userAgent: "aws-cli/2.22.4 md/Botocore#1.35.63", secureTransport: false,
        requestedRegion: Samples.region)

    static func make() async throws -> World {
        let now = Samples.now
        let deployment = try await Deployment.make(now: now)
        let account = deployment.accountId
        let root = deployment.root
        let iam = deployment.iam
        _ = try await iam.createUser(
            CreateUserInput(userName: Samples.userName, tags: [IAM.Tag(key: "team", value: "platform")]),
            caller: root, now: now)
        _ = try await iam.putUserPolicy(
            PutUserPolicyInput(
                userName: Samples.userName, policyName: "assume-deploy",
                policyDocument: Samples.identityPolicy(account: account)),
            caller: root)
        let key = try await iam.createAccessKey(
            CreateAccessKeyInput(userName: Samples.userName), caller: root, now: now)
        guard let accessKeyId = key.accessKey?.accessKeyId else { throw SetupError("CreateAccessKey gave no key") }
        for name in ["deploy-artifacts", "deploy-logs"] {
            _ = try await iam.createPolicy(
                CreatePolicyInput(policyName: name, policyDocument: Samples.managedPolicy), caller: root, now: now)
        }
        let role = try await iam.createRole(
            CreateRoleInput(
                roleName: Samples.roleName, assumeRolePolicyDocument: Samples.trustPolicy(account: account),
                tags: [IAM.Tag(key: "environment", value: "production")]),
            caller: root, now: now)
        guard let roleArn = role.role?.arn else { throw SetupError("CreateRole gave no ARN") }
        let input = Samples.assumeRoleInput(account: account, policyArns: Samples.managedPolicyArns(account: account))

        // One AssumeRole now: it checks the setup and fills the caches a server under load has warm (the access
        // key, the role, the user's effective policies, the parsed documents).
        let caller = try await deployment.resolver.resolve(accessKeyId: accessKeyId, sessionToken: nil, now: now)
        let output = try await deployment.sts.assumeRole(input, caller: caller.caller.with(World.request), now: now)
        guard let session = output.credentials else { throw SetupError("AssumeRole gave no credentials") }
        return World(
            deployment: deployment, roleArn: roleArn, userAccessKeyId: accessKeyId, assumeRole: input,
            session: session)
    }

    private init(
        deployment: Deployment, roleArn: String, userAccessKeyId: String, assumeRole: AssumeRoleInput,
        session: Credentials
    ) {
        self.deployment = deployment
        self.roleArn = roleArn
        self.userAccessKeyId = userAccessKeyId
        self.assumeRole = assumeRole
        self.session = session
    }

    deinit {
        try? deployment.store.close()
        try? FileManager.default.removeItem(atPath: deployment.folder)
    }
}

extension Caller {
    /// The caller with the request's metadata, as the server's authentication returns it.
    func with(_ request: RequestMetadata) -> Caller {
        var caller = self
        caller.request = request
        return caller
    }
}

struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
