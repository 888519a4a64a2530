import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The role rules of `IAMService+Roles.swift`, without HTTP.
@Suite struct IAMServiceRolesTests {
    typealias K = RoleTestKit

    @Test(
        "CreateRole answers the role with an AROA ID and the encoded trust policy, echoing neither Description nor MaxSessionDuration"
    )
    func createRole() async throws {
        let f = try await ServiceFixture.make()
        let trust = K.trust(f.accountId)
        let input = CreateRoleInput(
            roleName: "deployer", assumeRolePolicyDocument: trust, path: "/ci/", description: "CI deploys",
            tags: [IAM.Tag(key: "team", value: "core")])
        let role = try #require(try await f.iam.createRole(input, caller: f.root, now: f.clock.now).role)
        #expect(role.roleName == "deployer")
        #expect(role.path == "/ci/")
        #expect(role.arn == K.roleArn(f, "deployer", path: "/ci/"))
        #expect(role.roleId.hasPrefix("AROA") && role.roleId.count == 21)
        #expect(role.createDate == TestClock.start)
        #expect(role.assumeRolePolicyDocument == K.encoded(trust))
        #expect(role.description == nil)
        #expect(role.maxSessionDuration == nil)
        #expect(role.roleLastUsed == nil)
        #expect(role.tags == [IAM.Tag(key: "team", value: "core")])

        let stored = try #require(try await f.iam.getRole(GetRoleInput(roleName: "deployer"), caller: f.root).role)
        #expect(stored.description == "CI deploys")
        #expect(stored.maxSessionDuration == 3600)
        #expect(stored.roleLastUsed == IAM.RoleLastUsed())
        #expect(stored.roleId == role.roleId)
    }

    @Test("a role name is unique case-insensitively")
    func duplicateName() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "deployer")
        await K.expectError(.entityAlreadyExists, "Role with name DEPLOYER already exists.") {
            try await K.createRole(f, "DEPLOYER")
        }
    }

    @Test("duplicate tag keys in one CreateRole are InvalidInput")
    func duplicateTagKeys() async throws {
        let f = try await ServiceFixture.make()
        let input = CreateRoleInput(
            roleName: "r", assumeRolePolicyDocument: K.trust(f.accountId),
            tags: [IAM.Tag(key: "team", value: "a"), IAM.Tag(key: "TEAM", value: "b")])
        await K.expectError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        {
            try await f.iam.createRole(input, caller: f.root, now: f.clock.now)
        }
    }

    static let malformedTrust: [(String, String)] = [
        (#"{"Version":"2012-10-17","Statement":["#, "This policy contains invalid Json"),
        (
            RoleTestKit.trust("111122223333", action: #"["sts:AssumeRole","s3:GetObject"]"#),
            "AssumeRole policy may only specify STS AssumeRole actions."
        ),
        (
            RoleTestKit.trust("111122223333", action: #""sts:*""#),
            "AssumeRole policy may only specify STS AssumeRole actions."
        ),
        (RoleTestKit.trust("111122223333", extra: #","Resource":"*""#), "Has prohibited field Resource"),
        (RoleTestKit.allow("sts:AssumeRole"), "Missing required field Principal"),
    ]

    @Test(
        "a trust policy IAM refuses is MalformedPolicyDocument with IAM's message, and no role is created",
        arguments: malformedTrust)
    func malformedTrustPolicy(document: String, message: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.malformedPolicyDocument, message) {
            try await K.createRole(f, "r", trust: document)
        }
        await K.expectError(.noSuchEntity, "The role with name r cannot be found.") {
            try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root)
        }
    }

    @Test("a trust policy over 2,048 characters without white space is LimitExceeded")
    func trustPolicySize() async throws {
        let f = try await ServiceFixture.make()
        let principals = (0..<60).map { #""arn:aws:iam::\#(f.accountId):user/user-number-\#($0)""# }.joined(
            separator: ",")
        let document =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[\#(principals)]},"Action":"sts:AssumeRole"}]}"#
        #expect(document.count > 2048)
        let error = await K.expectError(.limitExceeded) { try await K.createRole(f, "r", trust: document) }
        #expect(error?.message.hasPrefix("Cannot exceed quota for ") == true)
    }

    @Test(
        "MaxSessionDuration is 3600...43200 seconds: the declaration refuses values outside",
        arguments: [
            ("3599", false), ("3600", true), ("43200", true), ("43201", false),
        ])
    func maxSessionDurationBounds(value: String, accepted: Bool) async throws {
        let f = try await ServiceFixture.make()
        let parameters = [
            "RoleName": "r", "AssumeRolePolicyDocument": K.trust(f.accountId), "MaxSessionDuration": value,
        ]
        if accepted {
            let input = try CreateRoleInput(validating: parameters)
            _ = try await f.iam.createRole(input, caller: f.root, now: f.clock.now)
            let role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
            #expect(role?.maxSessionDuration == Int(value))
        } else {
            await K.expectError(.validationError) { try CreateRoleInput(validating: parameters) }
            await K.expectError(.validationError) {
                try UpdateRoleInput(validating: ["RoleName": "r", "MaxSessionDuration": value])
            }
        }
    }

    @Test("a permissions boundary must be a policy ARN naming a managed policy of the account")
    func createRoleBoundary() async throws {
        let f = try await ServiceFixture.make()
        let trust = K.trust(f.accountId)
        let missing = K.policyArn(f, "Nope")
        await K.expectError(.noSuchEntity, "Policy \(missing) does not exist or is not attachable.") {
            try await f.iam.createRole(
                CreateRoleInput(roleName: "r", assumeRolePolicyDocument: trust, permissionsBoundary: missing),
                caller: f.root, now: f.clock.now)
        }
        let userArn = K.userArn(f, "bob")
        await K.expectError(.validationError, "ARN \(userArn) is not valid.") {
            try await f.iam.createRole(
                CreateRoleInput(roleName: "r", assumeRolePolicyDocument: trust, permissionsBoundary: userArn),
                caller: f.root, now: f.clock.now)
        }
        let otherAccount = "arn:aws:iam::999999999999:policy/Boundary"
        await K.expectError(.noSuchEntity, "Policy \(otherAccount) does not exist or is not attachable.") {
            try await f.iam.createRole(
                CreateRoleInput(roleName: "r", assumeRolePolicyDocument: trust, permissionsBoundary: otherAccount),
                caller: f.root, now: f.clock.now)
        }

        try await K.createPolicy(f, "Boundary")
        // The boundary is stored under the policy's own ARN, whatever the case given.
        let output = try await f.iam.createRole(
            CreateRoleInput(
                roleName: "r", assumeRolePolicyDocument: trust, permissionsBoundary: K.policyArn(f, "boundary")),
            caller: f.root, now: f.clock.now)
        #expect(
            output.role?.permissionsBoundary
                == IAM.AttachedPermissionsBoundary(
                    permissionsBoundaryType: "PermissionsBoundaryPolicy",
                    permissionsBoundaryArn: K.policyArn(f, "Boundary")))
    }

    @Test("GetRole finds a role case-insensitively; a missing role is NoSuchEntity")
    func getRole() async throws {
        let f = try await ServiceFixture.make()
        let created = try await K.createRole(f, "Deployer")
        let role = try #require(try await f.iam.getRole(GetRoleInput(roleName: "deployer"), caller: f.root).role)
        #expect(role.roleName == "Deployer")
        #expect(role.roleId == created.roleId)
        await K.expectError(.noSuchEntity, "The role with name nobody cannot be found.") {
            try await f.iam.getRole(GetRoleInput(roleName: "nobody"), caller: f.root)
        }
    }

    @Test("ListRoles filters by PathPrefix, pages by name, and leaves out tags, the boundary and last use")
    func listRoles() async throws {
        let f = try await ServiceFixture.make()
        let boundary = try await K.createPolicy(f, "Boundary")
        let trust = K.trust(f.accountId)
        _ = try await f.iam.createRole(
            CreateRoleInput(
                roleName: "b", assumeRolePolicyDocument: trust, path: "/app/", permissionsBoundary: boundary,
                tags: [IAM.Tag(key: "k", value: "v")]),
            caller: f.root, now: f.clock.now)
        try await K.createRole(f, "a", path: "/app/")
        try await K.createRole(f, "C")

        let app = try await f.iam.listRoles(ListRolesInput(pathPrefix: "/app/"), caller: f.root)
        let roles = try #require(app.roles)
        #expect(roles.map(\.roleName) == ["a", "b"])
        #expect(roles[1].tags == nil)
        #expect(roles[1].permissionsBoundary == nil)
        #expect(roles[1].roleLastUsed == nil)
        #expect(roles[1].maxSessionDuration == 3600)
        #expect(roles[1].assumeRolePolicyDocument == K.encoded(trust))
        #expect(app.isTruncated == false)
        #expect(app.marker == nil)

        let first = try await f.iam.listRoles(ListRolesInput(maxItems: 2), caller: f.root)
        #expect(first.roles?.map(\.roleName) == ["a", "b"])
        #expect(first.isTruncated == true)
        let marker = try #require(first.marker)
        let second = try await f.iam.listRoles(ListRolesInput(marker: marker, maxItems: 2), caller: f.root)
        #expect(second.roles?.map(\.roleName) == ["C"])
        #expect(second.isTruncated == false)

        // A marker belongs to its listing.
        await K.expectError(.validationError, "Invalid Marker.") {
            try await f.iam.listPolicies(ListPoliciesInput(marker: marker), caller: f.root)
        }
    }

    @Test(
        "UpdateRole changes the description and MaxSessionDuration, keeps what is left out, removes an empty description"
    )
    func updateRole() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let output = try await f.iam.updateRole(
            UpdateRoleInput(roleName: "r", description: "new", maxSessionDuration: 7200), caller: f.root)
        #expect(output == UpdateRoleOutput())
        var role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.description == "new")
        #expect(role?.maxSessionDuration == 7200)

        _ = try await f.iam.updateRole(UpdateRoleInput(roleName: "r", maxSessionDuration: 3600), caller: f.root)
        role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.description == "new")
        _ = try await f.iam.updateRole(UpdateRoleInput(roleName: "r", description: ""), caller: f.root)
        role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.description == nil)
        #expect(role?.maxSessionDuration == 3600)

        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.updateRole(UpdateRoleInput(roleName: "ghost", description: "x"), caller: f.root)
        }
    }

    @Test("UpdateRoleDescription answers the role with its description and without MaxSessionDuration")
    func updateRoleDescription() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let role = try #require(
            try await f.iam.updateRoleDescription(
                UpdateRoleDescriptionInput(roleName: "r", description: "newer"), caller: f.root
            ).role)
        #expect(role.description == "newer")
        #expect(role.maxSessionDuration == nil)
        #expect(role.roleLastUsed == nil)
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.updateRoleDescription(
                UpdateRoleDescriptionInput(roleName: "ghost", description: "x"), caller: f.root)
        }
    }

    @Test("UpdateAssumeRolePolicy replaces the trust policy; a malformed one changes nothing")
    func updateAssumeRolePolicy() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let newTrust = K.trust(K.userArn(f, "alice"))
        _ = try await f.iam.updateAssumeRolePolicy(
            UpdateAssumeRolePolicyInput(roleName: "r", policyDocument: newTrust), caller: f.root)
        await K.expectError(.malformedPolicyDocument, "Missing required field Principal") {
            try await f.iam.updateAssumeRolePolicy(
                UpdateAssumeRolePolicyInput(roleName: "r", policyDocument: K.allow("s3:*")), caller: f.root)
        }
        let role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.assumeRolePolicyDocument == K.encoded(newTrust))
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.updateAssumeRolePolicy(
                UpdateAssumeRolePolicyInput(roleName: "ghost", policyDocument: newTrust), caller: f.root)
        }
    }

    @Test("DeleteRole is refused while managed policies are attached or inline policies remain")
    func deleteRole() async throws {
        let f = try await ServiceFixture.make()
        let policy = try await K.createPolicy(f, "P")
        try await K.createRole(f, "r")
        _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: policy), caller: f.root)
        _ = try await f.iam.putRolePolicy(
            PutRolePolicyInput(roleName: "r", policyName: "inline", policyDocument: K.allow("s3:*")), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete entity, must detach all policies first.") {
            try await f.iam.deleteRole(DeleteRoleInput(roleName: "r"), caller: f.root)
        }
        _ = try await f.iam.detachRolePolicy(DetachRolePolicyInput(roleName: "r", policyArn: policy), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete entity, must delete policies first.") {
            try await f.iam.deleteRole(DeleteRoleInput(roleName: "r"), caller: f.root)
        }
        _ = try await f.iam.deleteRolePolicy(DeleteRolePolicyInput(roleName: "r", policyName: "inline"), caller: f.root)
        #expect(try await f.iam.deleteRole(DeleteRoleInput(roleName: "r"), caller: f.root) == DeleteRoleOutput())
        await K.expectError(.noSuchEntity, "The role with name r cannot be found.") {
            try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name r cannot be found.") {
            try await f.iam.deleteRole(DeleteRoleInput(roleName: "r"), caller: f.root)
        }
    }

    @Test("PutRolePermissionsBoundary sets the boundary GetRole shows; DeleteRolePermissionsBoundary removes it")
    func permissionsBoundary() async throws {
        let f = try await ServiceFixture.make()
        let boundary = try await K.createPolicy(f, "Boundary")
        try await K.createRole(f, "r")
        _ = try await f.iam.putRolePermissionsBoundary(
            PutRolePermissionsBoundaryInput(roleName: "r", permissionsBoundary: boundary), caller: f.root)
        var role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.permissionsBoundary?.permissionsBoundaryArn == boundary)
        #expect(role?.permissionsBoundary?.permissionsBoundaryType == "PermissionsBoundaryPolicy")
        // The boundary counts as a use of the policy.
        #expect(
            try await f.iam.getPolicy(GetPolicyInput(policyArn: boundary), caller: f.root).policy?
                .permissionsBoundaryUsageCount == 1)

        _ = try await f.iam.deleteRolePermissionsBoundary(
            DeleteRolePermissionsBoundaryInput(roleName: "r"), caller: f.root)
        role = try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: f.root).role
        #expect(role?.permissionsBoundary == nil)
        // Removing a boundary the role does not have changes nothing.
        _ = try await f.iam.deleteRolePermissionsBoundary(
            DeleteRolePermissionsBoundaryInput(roleName: "r"), caller: f.root)

        let missing = K.policyArn(f, "Missing")
        await K.expectError(.noSuchEntity, "Policy \(missing) does not exist or is not attachable.") {
            try await f.iam.putRolePermissionsBoundary(
                PutRolePermissionsBoundaryInput(roleName: "r", permissionsBoundary: missing), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.putRolePermissionsBoundary(
                PutRolePermissionsBoundaryInput(roleName: "ghost", permissionsBoundary: boundary), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.deleteRolePermissionsBoundary(
                DeleteRolePermissionsBoundaryInput(roleName: "ghost"), caller: f.root)
        }
    }

    @Test("a user without an identity policy may not create or read roles")
    func denials() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r", path: "/app/")
        let alice = try await f.user(named: "alice")
        let error = await K.expectError(.accessDenied) {
            try await f.iam.createRole(
                CreateRoleInput(roleName: "new", assumeRolePolicyDocument: K.trust(f.accountId)), caller: alice,
                now: f.clock.now)
        }
        #expect(
            error?.message.hasPrefix(
                "User: \(K.userArn(f, "alice")) is not authorized to perform: iam:CreateRole on resource: \(K.roleArn(f, "new"))"
            )
                == true)
        // An operation on an existing role is authorized against the role's ARN, with its path.
        let read = await K.expectError(.accessDenied) {
            try await f.iam.getRole(GetRoleInput(roleName: "r"), caller: alice)
        }
        #expect(read?.message.contains("iam:GetRole on resource: \(K.roleArn(f, "r", path: "/app/"))") == true)
        await K.expectError(.accessDenied) { try await f.iam.listRoles(ListRolesInput(), caller: alice) }
    }

    @Test("a user's identity policy grants role operations on the roles its resources name")
    func grants() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "inside", path: "/app/")
        try await K.createRole(f, "outside")
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("iam:*Role", resource: "arn:aws:iam::\(f.accountId):role/app/*"))

        let role = try await f.iam.getRole(GetRoleInput(roleName: "inside"), caller: alice).role
        #expect(role?.roleName == "inside")
        _ = try await f.iam.createRole(
            CreateRoleInput(roleName: "made", assumeRolePolicyDocument: K.trust(f.accountId), path: "/app/"),
            caller: alice, now: f.clock.now)
        _ = try await f.iam.updateRole(UpdateRoleInput(roleName: "made", description: "mine"), caller: alice)
        await K.expectError(.accessDenied) {
            try await f.iam.getRole(GetRoleInput(roleName: "outside"), caller: alice)
        }
        await K.expectError(.accessDenied) {
            try await f.iam.deleteRole(DeleteRoleInput(roleName: "outside"), caller: alice)
        }
        _ = try await f.iam.deleteRole(DeleteRoleInput(roleName: "made"), caller: alice)
    }
}
