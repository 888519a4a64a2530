import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The one tagging implementation (`IAMService+Tagging.swift`), each rule once for every taggable kind, without HTTP.
@Suite struct IAMServiceTaggingTests {
    typealias K = ProviderTestKit

    /// One taggable kind as a test drives it: how to create an entity, what names a missing one, the resource its
    /// operations are authorized against, and its three typed operations.
    struct Kind: Sendable, CustomTestStringConvertible {
        let name: String
        /// Creates the entity `name` as the root; returns what the requests name it by (a name or an ARN).
        let create: @Sendable (ServiceFixture, IAMService, String) async throws -> String
        /// What names an entity that does not exist, and IAM's answer for it.
        let missing: @Sendable (ServiceFixture) -> (id: String, message: String)
        /// The resource an operation on `id` is authorized against.
        let resource: @Sendable (ServiceFixture, String) -> String
        let tag: @Sendable (IAMService, String, [IAM.Tag], Caller) async throws -> Void
        let untag: @Sendable (IAMService, String, [String], Caller) async throws -> Void
        let list:
            @Sendable (IAMService, String, _ marker: String?, _ maxItems: Int?, Caller) async throws -> (
                tags: [IAM.Tag]?, isTruncated: Bool?, marker: String?
            )

        var testDescription: String { name }
        var tagAction: String { "iam:Tag\(name)" }
        var untagAction: String { "iam:Untag\(name)" }
        var listAction: String { "iam:List\(name)Tags" }

        init<Tag: TagResourceInput, Untag: UntagResourceInput, List: ListResourceTagsInput>(
            _ name: String, _ tagInput: @escaping @Sendable (String, [IAM.Tag]) -> Tag,
            _ untagInput: @escaping @Sendable (String, [String]) -> Untag,
            _ listInput: @escaping @Sendable (String, String?, Int?) -> List,
            create: @escaping @Sendable (ServiceFixture, IAMService, String) async throws -> String,
            missing: @escaping @Sendable (ServiceFixture) -> (id: String, message: String),
            resource: @escaping @Sendable (ServiceFixture, String) -> String
        ) {
            self.name = name
            self.create = create
            self.missing = missing
            self.resource = resource
            tag = { iam, id, tags, caller in _ = try await iam.tag(tagInput(id, tags), caller: caller) }
            untag = { iam, id, keys, caller in _ = try await iam.untag(untagInput(id, keys), caller: caller) }
            list = { iam, id, marker, maxItems, caller in
                let output = try await iam.listTags(listInput(id, marker, maxItems), caller: caller)
                return (output.tags, output.isTruncated, output.marker)
            }
        }

        /// Every key on the entity, in the order listed.
        func keys(_ iam: IAMService, _ id: String, as caller: Caller) async throws -> [String] {
            try await list(iam, id, nil, nil, caller).tags?.map(\.key) ?? []
        }

        func tags(_ iam: IAMService, _ id: String, as caller: Caller) async throws -> [IAM.Tag] {
            try await list(iam, id, nil, nil, caller).tags ?? []
        }
    }

    static let kinds: [Kind] = [
        Kind(
            "User", TagUserInput.init, UntagUserInput.init, ListUserTagsInput.init,
            create: { f, iam, name in
                _ = try await iam.createUser(CreateUserInput(userName: name), caller: f.root, now: f.clock.now)
                return name
            },
            missing: { _ in ("nobody", "The user with name nobody cannot be found.") },
            resource: { f, name in "arn:aws:iam::\(f.accountId):user/\(name)" }),
        Kind(
            "Role", TagRoleInput.init, UntagRoleInput.init, ListRoleTagsInput.init,
            create: { f, iam, name in
                let trust =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(f.accountId)"},"#
                    + #""Action":"sts:AssumeRole"}]}"#
                _ = try await iam.createRole(
                    CreateRoleInput(roleName: name, assumeRolePolicyDocument: trust, path: "/team/"), caller: f.root,
                    now: f.clock.now)
                return name
            },
            missing: { _ in ("nobody", "The role with name nobody cannot be found.") },
            // The stored role's ARN, with its path.
            resource: { f, name in "arn:aws:iam::\(f.accountId):role/team/\(name)" }),
        Kind(
            "Policy", TagPolicyInput.init, UntagPolicyInput.init, ListPolicyTagsInput.init,
            create: { f, iam, name in
                let output = try await iam.createPolicy(
                    CreatePolicyInput(policyName: name, policyDocument: K.allow("s3:*")), caller: f.root,
                    now: f.clock.now)
                return try #require(output.policy?.arn)
            },
            missing: { f in
                let arn = "arn:aws:iam::\(f.accountId):policy/nobody"
                return (arn, "Policy \(arn) was not found.")
            },
            resource: { _, arn in arn }),
        Kind(
            "OpenIDConnectProvider", TagOpenIDConnectProviderInput.init, UntagOpenIDConnectProviderInput.init,
            ListOpenIDConnectProviderTagsInput.init,
            create: { f, iam, name in
                let output = try await iam.createOpenIDConnectProvider(
                    CreateOpenIDConnectProviderInput(url: "https://\(name.lowercased()).example.com"), caller: f.root,
                    now: f.clock.now)
                return try #require(output.openIDConnectProviderArn)
            },
            missing: { f in
                let arn = K.oidcArn(f, "nobody.example.com")
                return (arn, "OpenIDConnect Provider not found for arn \(arn)")
            },
            resource: { _, arn in arn }),
        Kind(
            "SAMLProvider", TagSAMLProviderInput.init, UntagSAMLProviderInput.init, ListSAMLProviderTagsInput.init,
            create: { f, iam, name in
                let output = try await iam.createSAMLProvider(
                    CreateSAMLProviderInput(samlMetadataDocument: K.samlMetadata(), name: name), caller: f.root,
                    now: f.clock.now)
                return try #require(output.samlProviderArn)
            },
            missing: { f in
                let arn = K.samlArn(f, "Nobody")
                return (arn, "Manifest not found for arn \(arn)")
            },
            resource: { _, arn in arn }),
    ]

    static func tags(_ range: ClosedRange<Int>) -> [IAM.Tag] {
        range.map { IAM.Tag(key: "k\($0)", value: "v\($0)") }
    }

    // MARK: Tag

    @Test(
        "Tag adds tags; a key already there in any case is replaced (key and value); List sorts by key ignoring case",
        arguments: kinds)
    func tagAndList(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Tagged")
        try await kind.tag(iam, id, [IAM.Tag(key: "b", value: "1"), IAM.Tag(key: "A", value: "2")], f.root)
        try await kind.tag(iam, id, [IAM.Tag(key: "c", value: "3"), IAM.Tag(key: "a", value: "4")], f.root)
        let listed = try await kind.list(iam, id, nil, nil, f.root)
        #expect(
            listed.tags == [
                IAM.Tag(key: "a", value: "4"), IAM.Tag(key: "b", value: "1"), IAM.Tag(key: "c", value: "3"),
            ])
        #expect(listed.isTruncated == false)
        #expect(listed.marker == nil)
    }

    @Test(
        "an entity holds at most 50 tags: the 51st is LimitExceeded and changes nothing; replacing at 50 is fine",
        arguments: kinds)
    func fiftyTags(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Full")
        try await kind.tag(iam, id, Self.tags(1...30), f.root)
        try await kind.tag(iam, id, Self.tags(31...50), f.root)
        await K.expectError(.limitExceeded, "The number of tags has reached the maximum limit.") {
            try await kind.tag(iam, id, Self.tags(45...51), f.root)
        }
        let stored = try await kind.tags(iam, id, as: f.root)
        #expect(stored.count == 50)
        #expect(stored.first { $0.key == "k45" }?.value == "v45")
        // Replacing values (whatever the case of the key) does not count as more tags.
        try await kind.tag(iam, id, [IAM.Tag(key: "K1", value: "new"), IAM.Tag(key: "k50", value: "new")], f.root)
        let replaced = try await kind.tags(iam, id, as: f.root)
        #expect(replaced.count == 50)
        #expect(replaced.filter { $0.value == "new" }.map(\.key).sorted() == ["K1", "k50"])
    }

    @Test("keys repeated in one request, whatever their case, are InvalidInput and nothing is stored", arguments: kinds)
    func duplicateKeys(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Dup")
        await K.expectError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        {
            try await kind.tag(
                iam, id,
                [
                    IAM.Tag(key: "Env", value: "a"), IAM.Tag(key: "other", value: "b"),
                    IAM.Tag(key: "env", value: "c"),
                ], f.root)
        }
        #expect(try await kind.keys(iam, id, as: f.root) == [])
    }

    // MARK: Untag

    @Test("Untag removes the named keys ignoring case; absent keys are ignored", arguments: kinds)
    func untag(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Untagged")
        try await kind.tag(
            iam, id,
            [
                IAM.Tag(key: "Team", value: "x"), IAM.Tag(key: "env", value: "y"),
                IAM.Tag(key: "keep", value: "z"),
            ], f.root)
        try await kind.untag(iam, id, ["team", "ENV", "absent"], f.root)
        #expect(try await kind.keys(iam, id, as: f.root) == ["keep"])
        // Nothing left to remove: still fine.
        try await kind.untag(iam, id, ["team"], f.root)
        #expect(try await kind.keys(iam, id, as: f.root) == ["keep"])
    }

    // MARK: List

    @Test(
        "List pages with MaxItems and Marker; a Marker Latchkey did not issue for this listing is ValidationError",
        arguments: kinds)
    func paging(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Paged")
        try await kind.tag(
            iam, id,
            [
                IAM.Tag(key: "c", value: "3"), IAM.Tag(key: "B", value: "2"),
                IAM.Tag(key: "a", value: "1"),
            ], f.root)
        var seen: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await kind.list(iam, id, marker, 2, f.root)
            seen += page.tags?.map(\.key) ?? []
            marker = page.marker
            #expect(page.isTruncated == (marker != nil))
            pages += 1
        } while marker != nil && pages < 5
        #expect(seen == ["a", "B", "c"])
        #expect(pages == 2)

        // A marker of another listing (ListUsers'), and garbage.
        for name in ["m1", "m2"] {
            _ = try await iam.createUser(CreateUserInput(userName: name), caller: f.root, now: f.clock.now)
        }
        let usersMarker = try #require(try await iam.listUsers(ListUsersInput(maxItems: 1), caller: f.root).marker)
        for bad in [usersMarker, "garbage"] {
            await K.expectError(.validationError, "Invalid Marker.") { try await kind.list(iam, id, bad, nil, f.root) }
        }
    }

    // MARK: Errors and authorization

    @Test(
        "an entity that does not exist is NoSuchEntity with the kind's message, for all three operations",
        arguments: kinds)
    func notFound(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let (id, message) = kind.missing(f)
        await K.expectError(.noSuchEntity, message) { try await kind.tag(iam, id, Self.tags(1...1), f.root) }
        await K.expectError(.noSuchEntity, message) { try await kind.untag(iam, id, ["k1"], f.root) }
        await K.expectError(.noSuchEntity, message) { try await kind.list(iam, id, nil, nil, f.root) }
    }

    @Test(
        "a user no policy allows is AccessDenied for the operation's action on the kind's resource; allowed, it works",
        arguments: kinds)
    func authorization(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Guarded")
        let bob = try await f.user(named: "bob")
        let resource = kind.resource(f, id)
        await K.expectError(.accessDenied, prefix: K.denial(bob, kind.tagAction, resource)) {
            try await kind.tag(iam, id, Self.tags(1...1), bob)
        }
        await K.expectError(.accessDenied, prefix: K.denial(bob, kind.untagAction, resource)) {
            try await kind.untag(iam, id, ["k1"], bob)
        }
        await K.expectError(.accessDenied, prefix: K.denial(bob, kind.listAction, resource)) {
            try await kind.list(iam, id, nil, nil, bob)
        }
        #expect(try await kind.keys(iam, id, as: f.root) == [])

        // Allowed on exactly that resource (so the resource authorized is the kind's).
        try await K.grant(
            f, user: "bob",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["\#(kind.tagAction)","\#(kind.untagAction)","#
                + #""\#(kind.listAction)"],"Resource":"\#(resource)"}]}"#)
        try await kind.tag(iam, id, Self.tags(1...2), bob)
        try await kind.untag(iam, id, ["k1"], bob)
        #expect(try await kind.keys(iam, id, as: bob) == ["k2"])
    }

    @Test("concurrent Tag calls lose no update and together cannot exceed 50 tags", arguments: kinds)
    func concurrentTags(kind: Kind) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let id = try await kind.create(f, iam, "Raced")
        try await kind.tag(iam, id, Self.tags(1...40), f.root)
        // 20 calls of one new key each, at once: exactly 10 fit.
        let outcomes = await withTaskGroup(of: STSError.Code?.self) { group in
            for index in 41...60 {
                group.addTask {
                    do {
                        try await kind.tag(iam, id, Self.tags(index...index), f.root)
                        return nil
                    } catch let error as STSError {
                        return error.code
                    } catch {
                        return .serviceFailure
                    }
                }
            }
            var codes: [STSError.Code?] = []
            for await code in group { codes.append(code) }
            return codes
        }
        #expect(outcomes.filter { $0 == nil }.count == 10)
        #expect(outcomes.filter { $0 == .limitExceeded }.count == 10)
        #expect(try await kind.tags(iam, id, as: f.root).count == 50)
    }

    // MARK: Rules of one kind

    @Test("TagUser and UntagUser reach callers already resolved: the user's cached key sees the new tags at once")
    func userTagsReachCachedCallers() async throws {
        let f = try await ServiceFixture.make()
        let bob = try await f.user(named: "bob")
        let iam = f.iam
        _ = try await iam.tag(TagUserInput(userName: "bob", tags: [IAM.Tag(key: "team", value: "x")]), caller: f.root)
        let tagged = try await f.resolver.resolve(accessKeyId: bob.accessKeyId, sessionToken: nil, now: f.clock.now)
        guard case .user(let user) = tagged.caller.credentials else {
            Issue.record("not a user: \(tagged.caller.credentials)")
            return
        }
        #expect(user.tags == [ResourceTag(key: "team", value: "x")])
        _ = try await iam.untag(UntagUserInput(userName: "bob", tagKeys: ["team"]), caller: f.root)
        let untagged = try await f.resolver.resolve(accessKeyId: bob.accessKeyId, sessionToken: nil, now: f.clock.now)
        guard case .user(let after) = untagged.caller.credentials else { return }
        #expect(after.tags == [])
    }

    @Test("a PolicyArn that is not a policy ARN is ValidationError (after authorization), for all three operations")
    func malformedPolicyArn() async throws {
        let f = try await ServiceFixture.make()
        let bad = "arn:aws:iam::\(f.accountId):role/P"
        await K.expectError(.validationError, "ARN \(bad) is not valid.") {
            try await f.iam.tag(TagPolicyInput(policyArn: bad, tags: Self.tags(1...1)), caller: f.root)
        }
        await K.expectError(.validationError, "ARN \(bad) is not valid.") {
            try await f.iam.untag(UntagPolicyInput(policyArn: bad, tagKeys: ["k1"]), caller: f.root)
        }
        await K.expectError(.validationError, "ARN \(bad) is not valid.") {
            try await f.iam.listTags(ListPolicyTagsInput(policyArn: bad), caller: f.root)
        }
        // Authorization comes first.
        let bob = try await f.user(named: "bob")
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:TagPolicy", bad)) {
            try await f.iam.tag(TagPolicyInput(policyArn: bad, tags: Self.tags(1...1)), caller: bob)
        }
    }

    @Test("a SAML provider ARN must match the stored name's case; an OIDC provider ARN of another account names none")
    func providerArnsMustMatch() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        _ = try await iam.createSAMLProvider(
            CreateSAMLProviderInput(samlMetadataDocument: K.samlMetadata(), name: "Okta"), caller: f.root,
            now: f.clock.now)
        let wrongCase = K.samlArn(f, "OKTA")
        let message = "Manifest not found for arn \(wrongCase)"
        await K.expectError(.noSuchEntity, message) {
            try await iam.tag(TagSAMLProviderInput(samlProviderArn: wrongCase, tags: Self.tags(1...1)), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await iam.untag(UntagSAMLProviderInput(samlProviderArn: wrongCase, tagKeys: ["k1"]), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await iam.listTags(ListSAMLProviderTagsInput(samlProviderArn: wrongCase), caller: f.root)
        }

        _ = try await iam.createOpenIDConnectProvider(
            CreateOpenIDConnectProviderInput(url: "https://issuer.example.com"), caller: f.root, now: f.clock.now)
        let otherAccount = "arn:aws:iam::444455556666:oidc-provider/issuer.example.com"
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(otherAccount)") {
            try await iam.tag(
                TagOpenIDConnectProviderInput(openIDConnectProviderArn: otherAccount, tags: Self.tags(1...1)),
                caller: f.root)
        }
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(otherAccount)") {
            try await iam.listTags(
                ListOpenIDConnectProviderTagsInput(openIDConnectProviderArn: otherAccount), caller: f.root)
        }
    }

    @Test("every taggable kind is declared with IAM's quota of 50 and keys that ignore case")
    func declaredKinds() {
        #expect(TaggableKind.all.map(\.name) == ["User", "Role", "Policy", "OpenIDConnectProvider", "SAMLProvider"])
        #expect(TaggableKind.all.allSatisfy { $0.maxTags == 50 && $0.caseInsensitiveKeys })
    }
}
