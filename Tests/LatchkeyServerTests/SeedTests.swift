import Foundation
import LatchkeyCore
import LatchkeyQuery
import LatchkeySQLite
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// The declarative seed of the configuration file (docs/seed.md), applied at start by `LatchkeyApplication.build`.
@Suite struct SeedTests {
    static let account = TestServer.accountId
    static let mfaSeed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let givenKey = SigV4Credentials(
        accessKeyID: "AKIASEEDGIVENKEY0001", secretAccessKey: "seed/given/secret/0123456789abcdefghijkl")

    /// A seed declaring every kind of entity. `readPolicy`, `trust` and `duration` vary between starts.
    static func seed(
        secretsFile: String, readPolicy: String = "s3:GetObject", trustAction: String = "sts:AssumeRole",
        duration: Int = 7200
    ) -> String {
        let metadata = IAMParityTests.samlMetadata().split(separator: "\n").map { "          \($0)" }
            .joined(separator: "\n")
        return TestServer.configurationText + """

                secretsFile: \(secretsFile)
                policies:
                  - name: app-read
                    path: /app/
                    description: Reads the app bucket.
                    tags: {team: app}
                    document:
                      Version: "2012-10-17"
                      Statement:
                        - {Effect: Allow, Action: "\(readPolicy)", Resource: "arn:aws:s3:::app/*"}
                  - name: boundary
                    document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
                groups:
                  - name: devs
                    path: /eng/
                    managedPolicies: [app-read]
                    inlinePolicies:
                      - name: list
                        document: {Statement: [{Effect: Allow, Action: "s3:ListBucket", Resource: "*"}]}
                users:
                  - name: alice
                    path: /eng/
                    tags: {role: developer}
                    groups: [devs]
                    accessKeys:
                      - {accessKeyId: \(givenKey.accessKeyID), secretAccessKey: \(givenKey.secretAccessKey)}
                    generateAccessKeys: 1
                    managedPolicies: [app-read]
                    permissionsBoundary: boundary
                    inlinePolicies:
                      - name: self
                        document:
                          Version: "2012-10-17"
                          Statement: [{Effect: Allow, Action: "iam:GetUser", Resource: "*"}]
                roles:
                  - name: deployer
                    path: /ci/
                    description: Deploys.
                    maxSessionDuration: \(duration)
                    tags: {team: ci}
                    permissionsBoundary: boundary
                    managedPolicies: [app-read]
                    trustPolicy:
                      Version: "2012-10-17"
                      Statement:
                        - Effect: Allow
                          Principal: {AWS: "arn:aws:iam::\(account):root"}
                          Action: "\(trustAction)"
                    inlinePolicies:
                      - name: deploy
                        document:
                          Version: "2012-10-17"
                          Statement: [{Effect: Allow, Action: "s3:PutObject", Resource: "arn:aws:s3:::app/*"}]
                oidcProviders:
                  - url: https://token.actions.githubusercontent.com
                    clientIds: [sts.amazonaws.com]
                    tags: {purpose: ci}
                samlProviders:
                  - name: corp
                    tags: {owner: it}
                    metadata: |
            \(metadata)
                mfaDevices:
                  - name: alice-phone
                    seed: \(mfaSeed)
                    user: alice
            """
    }

    /// Runs a server on `store` (kept between runs) with the configuration `yaml`.
    static func run<T: Sendable>(
        _ yaml: String, store: SQLiteIdentityStore, directory: String, clock: TestClock,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await LoopbackServer.run(clock: clock.closure, dataDirectory: directory, configuration: yaml, store: store)
        {
            server in
            try await body(
                TestServer(
                    client: server.client, clock: clock, dataDirectory: server.dataDirectory, report: server.report))
        }
    }

    /// Opens (creating) the SQLite store of a test in `directory`.
    static func store(in directory: String) throws -> SQLiteIdentityStore {
        try SQLiteIdentityStore(path: (directory as NSString).appendingPathComponent("seed-store.sqlite"))
    }

    struct Identifiers: Equatable, Sendable {
        var policyId, userId, roleId, groupId: String?
        var policyVersions: Int
        var accessKeys: [String]
    }

    static func identifiers(_ server: TestServer) async throws -> Identifiers {
        let policyArn = "arn:aws:iam::\(account):policy/app/app-read"
        return Identifiers(
            policyId: try await server.iam("GetPolicy", ["PolicyArn": policyArn]).result("GetPolicy")
                .text("Policy", "PolicyId"),
            userId: try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser").text("User", "UserId"),
            roleId: try await server.iam("GetRole", ["RoleName": "deployer"]).result("GetRole").text("Role", "RoleId"),
            groupId: try await server.iam("GetGroup", ["GroupName": "devs"]).result("GetGroup")
                .text("Group", "GroupId"),
            policyVersions: try await server.iam("ListPolicyVersions", ["PolicyArn": policyArn])
                .result("ListPolicyVersions").members(of: "Versions").count,
            accessKeys: try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
                .members(of: "AccessKeyMetadata").compactMap { $0.text("AccessKeyId") }.sorted())
    }

    static func tags(_ element: XMLReader.Element?) -> [String: String] {
        var tags: [String: String] = [:]
        for member in element?.members(of: "Tags") ?? [] {
            if let key = member.text("Key") { tags[key] = member.text("Value") ?? "" }
        }
        return tags
    }

    @Test("every kind of entity is created with its declared fields; a second start writes nothing")
    func appliesEverythingOnceThenNothing() async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.store(in: directory)
            defer { try? store.close() }
            let clock = TestClock()
            let secrets = (directory as NSString).appendingPathComponent("secrets.json")
            let yaml = Self.seed(secretsFile: secrets)
            let first = try await Self.run(yaml, store: store, directory: directory, clock: clock) { server in
                try await Self.expectDeclared(server)
                return try await Self.identifiers(server)
            }
            let sequence = try await store.changeSequence()
            let entries = try SeedSecretsFile.read(secrets)
            #expect(entries.count == 1)
            let mode = try FileManager.default.attributesOfItem(atPath: secrets)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let generated = try #require(entries.first)
            #expect(generated.userName == "alice" && generated.account == Self.account)
            #expect(first.accessKeys == [Self.givenKey.accessKeyID, generated.accessKeyId].sorted())

            clock.advance(by: 3600)
            let second = try await Self.run(yaml, store: store, directory: directory, clock: clock) { server in
                // The generated key (its secret from the file) and the given key sign.
                let key = SigV4Credentials(
                    accessKeyID: generated.accessKeyId, secretAccessKey: generated.secretAccessKey)
                #expect(try await server.callerIdentity(as: key).arn == "arn:aws:iam::\(Self.account):user/eng/alice")
                return try await Self.identifiers(server)
            }
            #expect(second == first)
            #expect(second.policyVersions == 1)
            #expect(try await store.changeSequence() == sequence, "the second start wrote to the store")
            #expect(try SeedSecretsFile.read(secrets) == entries, "the secrets file was written again")
        }
    }

    /// Reads back through the IAM API what ``seed(secretsFile:readPolicy:trustAction:duration:)`` declares.
    static func expectDeclared(_ server: TestServer) async throws {
        let policyArn = "arn:aws:iam::\(account):policy/app/app-read"
        let boundaryArn = "arn:aws:iam::\(account):policy/boundary"
        let policy = try await server.iam("GetPolicy", ["PolicyArn": policyArn]).result("GetPolicy").child("Policy")
        #expect(policy?.text("Description") == "Reads the app bucket.")
        #expect(tags(policy) == ["team": "app"])
        let version = try await server.iam("GetPolicyVersion", ["PolicyArn": policyArn, "VersionId": "v1"])
            .result("GetPolicyVersion")
        let document = try #require(version.text("PolicyVersion", "Document")?.removingPercentEncoding)
        #expect(document.contains(#""Action":"s3:GetObject""#))

        let group = try await server.iam("GetGroup", ["GroupName": "devs"]).result("GetGroup")
        #expect(group.text("Group", "Path") == "/eng/")
        #expect(group.members(of: "Users").compactMap { $0.text("UserName") } == ["alice"])
        _ = try await server.iam("GetGroupPolicy", ["GroupName": "devs", "PolicyName": "list"]).result("GetGroupPolicy")
        let groupAttached = try await server.iam("ListAttachedGroupPolicies", ["GroupName": "devs"])
            .result("ListAttachedGroupPolicies").members(of: "AttachedPolicies").compactMap { $0.text("PolicyArn") }
        #expect(groupAttached == [policyArn])

        let user = try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser").child("User")
        #expect(user?.text("Path") == "/eng/")
        #expect(tags(user) == ["role": "developer"])
        #expect(user?.text("PermissionsBoundary", "PermissionsBoundaryArn") == boundaryArn)
        _ = try await server.iam("GetUserPolicy", ["UserName": "alice", "PolicyName": "self"]).result("GetUserPolicy")
        let userAttached = try await server.iam("ListAttachedUserPolicies", ["UserName": "alice"])
            .result("ListAttachedUserPolicies").members(of: "AttachedPolicies").compactMap { $0.text("PolicyArn") }
        #expect(userAttached == [policyArn])
        #expect(try await server.callerIdentity(as: givenKey).arn == "arn:aws:iam::\(account):user/eng/alice")

        let role = try await server.iam("GetRole", ["RoleName": "deployer"]).result("GetRole").child("Role")
        #expect(role?.text("Path") == "/ci/")
        #expect(role?.text("Description") == "Deploys.")
        #expect(role?.text("MaxSessionDuration") == "7200")
        #expect(tags(role) == ["team": "ci"])
        #expect(role?.text("PermissionsBoundary", "PermissionsBoundaryArn") == boundaryArn)
        let trust = try #require(role?.text("AssumeRolePolicyDocument")?.removingPercentEncoding)
        #expect(trust.contains(#""Action":"sts:AssumeRole""#))
        _ = try await server.iam("GetRolePolicy", ["RoleName": "deployer", "PolicyName": "deploy"])
            .result("GetRolePolicy")
        let roleAttached = try await server.iam("ListAttachedRolePolicies", ["RoleName": "deployer"])
            .result("ListAttachedRolePolicies").members(of: "AttachedPolicies").compactMap { $0.text("PolicyArn") }
        #expect(roleAttached == [policyArn])

        let oidc = try await server.iam(
            "GetOpenIDConnectProvider",
            ["OpenIDConnectProviderArn": "arn:aws:iam::\(account):oidc-provider/token.actions.githubusercontent.com"]
        ).result("GetOpenIDConnectProvider")
        #expect(oidc.members(of: "ClientIDList").map(\.text) == ["sts.amazonaws.com"])
        #expect(tags(oidc) == ["purpose": "ci"])
        let saml = try await server.iam(
            "GetSAMLProvider", ["SAMLProviderArn": "arn:aws:iam::\(account):saml-provider/corp"]
        ).result("GetSAMLProvider")
        #expect(saml.text("SAMLMetadataDocument")?.contains("https://idp.example.com/saml") == true)
        #expect(tags(saml) == ["owner": "it"])

        // The MFA device holds the declared seed and is enabled for alice: its current code gets a session.
        let serial = "arn:aws:iam::\(account):mfa/alice-phone"
        let devices = try await server.iam("ListMFADevices", ["UserName": "alice"]).result("ListMFADevices")
        #expect(devices.members(of: "MFADevices").compactMap { $0.text("SerialNumber") } == [serial])
        let code = TOTP(secret: try #require(Base32.decode(mfaSeed))).code(at: server.clock.now)
        let session = try await server.sts(
            "GetSessionToken", ["SerialNumber": serial, "TokenCode": code], as: givenKey)
        try session.result("GetSessionToken")
    }

    @Test("a changed policy document, trust policy and session duration take effect; undeclared things stay")
    func updatesDeclaredAndLeavesTheRest() async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.store(in: directory)
            defer { try? store.close() }
            let clock = TestClock()
            let secrets = (directory as NSString).appendingPathComponent("secrets.json")
            try await Self.run(Self.seed(secretsFile: secrets), store: store, directory: directory, clock: clock) {
                server in
                // Made by hand, not declared: a user, a role tag and a policy attachment.
                try await server.createUser("bob")
                try await server.iam(
                    "TagRole", ["RoleName": "deployer", "Tags.member.1.Key": "manual", "Tags.member.1.Value": "yes"]
                )
                .expectSuccess("TagRole")
                try await server.iam(
                    "AttachRolePolicy",
                    ["RoleName": "deployer", "PolicyArn": "arn:aws:iam::\(Self.account):policy/boundary"]
                ).expectSuccess("AttachRolePolicy")
            }
            let sequence = try await store.changeSequence()
            let changed = Self.seed(
                secretsFile: secrets, readPolicy: "s3:GetObjectVersion", trustAction: "sts:TagSession",
                duration: 10800)
            try await Self.run(changed, store: store, directory: directory, clock: clock) { server in
                let policyArn = "arn:aws:iam::\(Self.account):policy/app/app-read"
                let policy = try await server.iam("GetPolicy", ["PolicyArn": policyArn]).result("GetPolicy")
                #expect(policy.text("Policy", "DefaultVersionId") == "v2")
                let version = try await server.iam("GetPolicyVersion", ["PolicyArn": policyArn, "VersionId": "v2"])
                    .result("GetPolicyVersion")
                #expect(
                    version.text("PolicyVersion", "Document")?.removingPercentEncoding?.contains("s3:GetObjectVersion")
                        == true)
                let role = try await server.iam("GetRole", ["RoleName": "deployer"]).result("GetRole").child("Role")
                #expect(role?.text("MaxSessionDuration") == "10800")
                #expect(
                    role?.text("AssumeRolePolicyDocument")?.removingPercentEncoding?.contains("sts:TagSession") == true)
                #expect(Self.tags(role) == ["team": "ci", "manual": "yes"])
                let attached = try await server.iam("ListAttachedRolePolicies", ["RoleName": "deployer"])
                    .result("ListAttachedRolePolicies").members(of: "AttachedPolicies").count
                #expect(attached == 2)
                _ = try await server.iam("GetUser", ["UserName": "bob"]).result("GetUser")
                // Still one generated key: the restart saw it and generated none.
                let keys = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
                #expect(keys.members(of: "AccessKeyMetadata").count == 2)
            }
            #expect(try SeedSecretsFile.read(secrets).count == 1)
            // The change was announced to the other nodes (their caches drop what they hold).
            #expect(try await store.changeSequence() > sequence)
        }
    }

    @Test("an invalid policy anywhere stops the start with its line and IAM's message, and nothing is written")
    func invalidPolicyWritesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.store(in: directory)
            defer { try? store.close() }
            let badDocument =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}"#
            // IAM's own answer to this document, through CreatePolicy.
            let expected = try await TestServer.run { server in
                try await server.iam("CreatePolicy", ["PolicyName": "bad", "PolicyDocument": badDocument])
                    .expectError("MalformedPolicyDocument", status: 400).message
            }
            let yaml =
                TestServer.configurationText + """

                        roles:
                          - name: fine
                            trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "sts:AssumeRole"}]}
                        policies:
                          - name: good
                            document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
                          - name: bad
                            document: '\(badDocument)'
                    """
            let before = try await store.changeSequence()
            await #expect {
                try await Self.run(yaml, store: store, directory: directory, clock: TestClock()) { _ in }
            } throws: { error in
                "\(error)".contains("line 12: \(expected)")
            }
            let roles = try await store.roles(accountId: Self.account, pathPrefix: "/")
            #expect(roles.isEmpty)
            #expect(try await store.changeSequence() == before)
        }
    }

    @Test("an unknown key in a seed entity is an error naming its line")
    func unknownKeyNamesItsLine() throws {
        let yaml =
            TestServer.configurationText + """

                    roles:
                      - name: deployer
                        trustPolicyy: {}
                """
        #expect(throws: ConfigurationFile.ParseError.self) { try ConfigurationFile.parse(yaml) }
        do {
            _ = try ConfigurationFile.parse(yaml)
        } catch {
            #expect(error.line == 7)
            #expect(error.message.hasPrefix("unknown key 'trustPolicyy' in a role"))
        }
    }

    @Test("a policy named but not declared, and generated keys without secretsFile, are refused with their line")
    func badReferences() async throws {
        let noSecrets =
            TestServer.configurationText + """

                    users:
                      - name: ci
                        generateAccessKeys: 1
                """
        do {
            _ = try ConfigurationFile.parse(noSecrets)
            Issue.record("generateAccessKeys without secretsFile was accepted")
        } catch {
            #expect(error.line == 6)
            #expect(error.message.hasPrefix("user ci generates access keys: the account needs secretsFile"))
        }
        let dangling =
            TestServer.configurationText + """

                    users:
                      - name: ci
                        managedPolicies: [nowhere]
                """
        await #expect {
            try await TestServer.run(configuration: dangling) { _ in }
        } throws: { error in
            "\(error)".contains("line 7: policy nowhere is not declared")
        }
    }

    @Test("the examples parse and apply", arguments: ["ci-github-oidc.yaml", "private-cloud-saml.yaml"])
    func examplesApply(_ name: String) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try await withTemporaryDirectory { directory in
            var text = try String(contentsOf: root.appendingPathComponent("examples/\(name)"), encoding: .utf8)
            text = text.replacingOccurrences(
                of: "metadataFile: examples/", with: "metadataFile: \(root.path)/examples/")
            text = text.replacingOccurrences(
                of: "secretsFile: latchkey-seed-secrets.json", with: "secretsFile: \(directory)/secrets.json")
            let file = try ConfigurationFile.parse(text)
            #expect(!file.seed.isEmpty)
            let clock = TestClock()
            let roles = try await LoopbackServer.run(clock: clock.closure, configuration: text) { server in
                let account = try #require(file.seed.accounts.first)
                let test = TestServer(
                    client: server.client, clock: clock, dataDirectory: server.dataDirectory,
                    report: server.report)
                var names: [String] = []
                for role in account.roles {
                    let reply = try await test.iam(
                        "GetRole", ["RoleName": role.name],
                        as: SigV4Credentials(
                            accessKeyID: file.bootstrap.accounts[0].rootAccessKeys[0].accessKeyId,
                            secretAccessKey: file.bootstrap.accounts[0].rootAccessKeys[0].secretAccessKey))
                    names.append(try #require(reply.result("GetRole").text("Role", "RoleName")))
                }
                return names
            }
            #expect(!roles.isEmpty)
        }
    }
}
