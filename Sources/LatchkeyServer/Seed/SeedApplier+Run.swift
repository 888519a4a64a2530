import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyTokens

extension SeedApplier {
    /// One account's application, after ``SeedApplier/validate(_:target:)`` passed.
    struct Run<Target: SeedTarget> {
        let account: SeedPlan.Account
        let target: Target
        let now: Date
        var report = SeedReport()

        init(account: SeedPlan.Account, target: Target, now: Date) {
            self.account = account
            self.target = target
            self.now = now
        }

        mutating func apply() async throws {
            // What others name first: policies, then the providers roles trust, groups before their users.
            for policy in account.policies { try await apply(policy) }
            for provider in account.oidcProviders { try await apply(provider) }
            for provider in account.samlProviders { try await apply(provider) }
            for group in account.groups { try await apply(group) }
            for user in account.users { try await apply(user) }
            for role in account.roles { try await apply(role) }
            for device in account.mfaDevices { try await apply(device) }
        }

        // MARK: Calls

        /// The output, or nil when IAM answers `NoSuchEntity`.
        func find<Input: OperationInput>(_ input: Input, line: Int?) async throws -> Input.Output? {
            do {
                return try await target.send(input)
            } catch let error as SeedCallError {
                if error.code == "NoSuchEntity" { return nil }
                throw Failure(line: line, message: error.message)
            }
        }

        @discardableResult
        func call<Input: OperationInput>(_ input: Input, line: Int?) async throws -> Input.Output {
            do {
                return try await target.send(input)
            } catch let error as SeedCallError {
                throw Failure(line: line, message: error.message)
            }
        }

        /// Creates an entity; false when another node applying the same file created it first.
        func create<Input: OperationInput>(_ input: Input, line: Int?) async throws -> Bool {
            do {
                _ = try await target.send(input)
                return true
            } catch let error as SeedCallError {
                if error.code == "EntityAlreadyExists" { return false }
                throw Failure(line: line, message: error.message)
            }
        }

        mutating func record(_ what: String, _ changes: [String]) {
            if !changes.isEmpty { report.updated.append("\(what): \(changes.joined(separator: ", "))") }
        }

        func arn(_ kind: String, _ path: String, _ name: String) -> String {
            "arn:aws:iam::\(account.id):\(kind)\(path)\(name)"
        }

        // MARK: Managed policies

        mutating func apply(_ policy: SeedPlan.ManagedPolicy) async throws {
            let policyArn = arn("policy", policy.path, policy.name)
            guard let existing = try await find(GetPolicyInput(policyArn: policyArn), line: policy.line)?.policy else {
                let input = CreatePolicyInput(
                    policyName: policy.name, policyDocument: policy.document.json, path: policy.path,
                    description: policy.description, tags: iamTags(policy.tags))
                if try await create(input, line: policy.line) { report.created.append("policy \(policyArn)") }
                return
            }
            var changes: [String] = []
            let version = try await call(
                GetPolicyVersionInput(policyArn: policyArn, versionId: existing.defaultVersionId ?? "v1"),
                line: policy.line)
            if !sameDocument(version.policyVersion?.document, policy.document.json) {
                // IAM keeps five versions: the oldest non-default one makes room.
                let versions =
                    try await call(ListPolicyVersionsInput(policyArn: policyArn), line: policy.line)
                    .versions ?? []
                if versions.count >= 5,
                    let oldest = versions.filter({ $0.isDefaultVersion != true }).min(by: {
                        ($0.createDate ?? .distantPast) < ($1.createDate ?? .distantPast)
                    }), let versionId = oldest.versionId
                {
                    try await call(
                        DeletePolicyVersionInput(policyArn: policyArn, versionId: versionId), line: policy.line)
                }
                try await call(
                    CreatePolicyVersionInput(
                        policyArn: policyArn, policyDocument: policy.document.json, setAsDefault: true),
                    line: policy.line)
                changes.append("document (new default version)")
            }
            let tags = changedTags(policy.tags, existing: existing.tags)
            if !tags.isEmpty {
                try await call(TagPolicyInput(policyArn: policyArn, tags: tags), line: policy.line)
                changes.append("tags")
            }
            record("policy \(policyArn)", changes)
        }

        // MARK: Groups

        mutating func apply(_ group: SeedPlan.Group) async throws {
            let name = group.name
            if try await find(GetGroupInput(groupName: name), line: group.line) == nil {
                if try await create(CreateGroupInput(groupName: name, path: group.path), line: group.line) {
                    report.created.append("group \(name)")
                }
            }
            var changes: [String] = []
            for policy in group.inlinePolicies {
                let current = try await find(
                    GetGroupPolicyInput(groupName: name, policyName: policy.name), line: policy.line)
                if !sameDocument(current?.policyDocument, policy.document.json) {
                    try await call(
                        PutGroupPolicyInput(
                            groupName: name, policyName: policy.name, policyDocument: policy.document.json),
                        line: policy.line)
                    changes.append("inline policy \(policy.name)")
                }
            }
            let attached = Set(
                (try await call(ListAttachedGroupPoliciesInput(groupName: name, maxItems: 1000), line: group.line)
                    .attachedPolicies ?? []).compactMap(\.policyArn))
            for reference in group.managedPolicies {
                guard let policyArn = account.policyArn(reference.text), !attached.contains(policyArn) else { continue }
                try await call(AttachGroupPolicyInput(groupName: name, policyArn: policyArn), line: reference.line)
                changes.append("attached \(policyArn)")
            }
            record("group \(name)", changes)
        }

        // MARK: Users

        mutating func apply(_ user: SeedPlan.User) async throws {
            let name = user.name
            let boundaryArn = user.permissionsBoundary.flatMap { account.policyArn($0.text) }
            var changes: [String] = []
            if let existing = try await find(GetUserInput(userName: name), line: user.line)?.user {
                let tags = changedTags(user.tags, existing: existing.tags)
                if !tags.isEmpty {
                    try await call(TagUserInput(userName: name, tags: tags), line: user.line)
                    changes.append("tags")
                }
                if let boundaryArn, existing.permissionsBoundary?.permissionsBoundaryArn != boundaryArn {
                    try await call(
                        PutUserPermissionsBoundaryInput(userName: name, permissionsBoundary: boundaryArn),
                        line: user.permissionsBoundary?.line)
                    changes.append("permissions boundary")
                }
            } else {
                let input = CreateUserInput(
                    userName: name, path: user.path, permissionsBoundary: boundaryArn, tags: iamTags(user.tags))
                if try await create(input, line: user.line) { report.created.append("user \(name)") }
            }
            let groups = Set(
                (try await call(ListGroupsForUserInput(userName: name, maxItems: 1000), line: user.line).groups ?? [])
                    .map(\.groupName))
            for group in user.groups where !groups.contains(group) {
                try await call(AddUserToGroupInput(groupName: group, userName: name), line: user.line)
                changes.append("added to group \(group)")
            }
            for policy in user.inlinePolicies {
                let current = try await find(
                    GetUserPolicyInput(userName: name, policyName: policy.name), line: policy.line)
                if !sameDocument(current?.policyDocument, policy.document.json) {
                    try await call(
                        PutUserPolicyInput(
                            userName: name, policyName: policy.name, policyDocument: policy.document.json),
                        line: policy.line)
                    changes.append("inline policy \(policy.name)")
                }
            }
            let attached = Set(
                (try await call(ListAttachedUserPoliciesInput(userName: name, maxItems: 1000), line: user.line)
                    .attachedPolicies ?? []).compactMap(\.policyArn))
            for reference in user.managedPolicies {
                guard let policyArn = account.policyArn(reference.text), !attached.contains(policyArn) else { continue }
                try await call(AttachUserPolicyInput(userName: name, policyArn: policyArn), line: reference.line)
                changes.append("attached \(policyArn)")
            }
            try await applyAccessKeys(user, changes: &changes)
            record("user \(name)", changes)
        }

        /// Given keys are put when missing; `generateAccessKeys` tops the user's other keys up to that number, the
        /// secrets going to the secrets file (so a later start sees the keys and generates none).
        mutating func applyAccessKeys(_ user: SeedPlan.User, changes: inout [String]) async throws {
            guard !user.accessKeys.isEmpty || user.generateAccessKeys > 0 else { return }
            let keys = Set(
                (try await call(ListAccessKeysInput(userName: user.name, maxItems: 1000), line: user.line)
                    .accessKeyMetadata ?? []).compactMap(\.accessKeyId))
            let given = Set(user.accessKeys.map(\.accessKeyId))
            for key in user.accessKeys where !keys.contains(key.accessKeyId) {
                let put: Bool
                do {
                    put = try await target.putGivenAccessKey(
                        userName: user.name, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey,
                        now: now)
                } catch let error as SeedCallError {
                    throw Failure(line: key.line, message: error.message)
                }
                if put {
                    changes.append("access key \(key.accessKeyId)")
                } else {
                    report.skipped.append(
                        "access key \(key.accessKeyId) of user \(user.name): the IAM API cannot import a key; the server applies it at start"
                    )
                }
            }
            let others = keys.subtracting(given).count
            guard others < user.generateAccessKeys, let path = account.secretsFile else { return }
            for _ in others..<user.generateAccessKeys {
                let output = try await call(CreateAccessKeyInput(userName: user.name), line: user.line)
                guard let key = output.accessKey else { continue }
                try SeedSecretsFile.append(
                    SeedSecretsFile.Entry(
                        account: account.id, userName: user.name, accessKeyId: key.accessKeyId,
                        secretAccessKey: key.secretAccessKey,
                        createDate: ISO8601DateFormatter().string(from: key.createDate ?? now)),
                    to: path)
                report.generatedAccessKeyIds.append(key.accessKeyId)
                changes.append("generated access key \(key.accessKeyId) (secret in \(path))")
            }
        }

        // MARK: Roles

        mutating func apply(_ role: SeedPlan.Role) async throws {
            let name = role.name
            let boundaryArn = role.permissionsBoundary.flatMap { account.policyArn($0.text) }
            var changes: [String] = []
            if let existing = try await find(GetRoleInput(roleName: name), line: role.line)?.role {
                if !sameDocument(existing.assumeRolePolicyDocument, role.trustPolicy.json) {
                    try await call(
                        UpdateAssumeRolePolicyInput(roleName: name, policyDocument: role.trustPolicy.json),
                        line: role.trustPolicy.line)
                    changes.append("trust policy")
                }
                let newDuration = role.maxSessionDuration.flatMap { $0 == existing.maxSessionDuration ? nil : $0 }
                let newDescription = role.description.flatMap { $0 == existing.description ? nil : $0 }
                if newDuration != nil || newDescription != nil {
                    try await call(
                        UpdateRoleInput(roleName: name, description: newDescription, maxSessionDuration: newDuration),
                        line: role.line)
                    if newDuration != nil { changes.append("max session duration") }
                    if newDescription != nil { changes.append("description") }
                }
                let tags = changedTags(role.tags, existing: existing.tags)
                if !tags.isEmpty {
                    try await call(TagRoleInput(roleName: name, tags: tags), line: role.line)
                    changes.append("tags")
                }
                if let boundaryArn, existing.permissionsBoundary?.permissionsBoundaryArn != boundaryArn {
                    try await call(
                        PutRolePermissionsBoundaryInput(roleName: name, permissionsBoundary: boundaryArn),
                        line: role.permissionsBoundary?.line)
                    changes.append("permissions boundary")
                }
            } else {
                let input = CreateRoleInput(
                    roleName: name, assumeRolePolicyDocument: role.trustPolicy.json, path: role.path,
                    description: role.description, maxSessionDuration: role.maxSessionDuration,
                    permissionsBoundary: boundaryArn, tags: iamTags(role.tags))
                if try await create(input, line: role.line) { report.created.append("role \(name)") }
            }
            for policy in role.inlinePolicies {
                let current = try await find(
                    GetRolePolicyInput(roleName: name, policyName: policy.name), line: policy.line)
                if !sameDocument(current?.policyDocument, policy.document.json) {
                    try await call(
                        PutRolePolicyInput(
                            roleName: name, policyName: policy.name, policyDocument: policy.document.json),
                        line: policy.line)
                    changes.append("inline policy \(policy.name)")
                }
            }
            let attached = Set(
                (try await call(ListAttachedRolePoliciesInput(roleName: name, maxItems: 1000), line: role.line)
                    .attachedPolicies ?? []).compactMap(\.policyArn))
            for reference in role.managedPolicies {
                guard let policyArn = account.policyArn(reference.text), !attached.contains(policyArn) else { continue }
                try await call(AttachRolePolicyInput(roleName: name, policyArn: policyArn), line: reference.line)
                changes.append("attached \(policyArn)")
            }
            record("role \(name)", changes)
        }

        // MARK: Identity providers

        mutating func apply(_ provider: SeedPlan.OIDCProvider) async throws {
            let identity = try SeedValidation.oidcProviderIdentity(provider.url)
            let providerArn = "arn:aws:iam::\(account.id):oidc-provider/\(identity)"
            let declaredThumbprints = try provider.thumbprints.map { try SeedValidation.checkThumbprints($0) }
            guard
                let existing = try await find(
                    GetOpenIDConnectProviderInput(openIDConnectProviderArn: providerArn), line: provider.line)
            else {
                let input = CreateOpenIDConnectProviderInput(
                    url: provider.url, clientIDList: provider.clientIds, thumbprintList: declaredThumbprints,
                    tags: iamTags(provider.tags))
                if try await create(input, line: provider.line) {
                    report.created.append("OIDC provider \(providerArn)")
                }
                return
            }
            var changes: [String] = []
            let clientIds = Set(existing.clientIDList ?? [])
            for clientId in provider.clientIds where !clientIds.contains(clientId) {
                try await call(
                    AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: providerArn, clientID: clientId),
                    line: provider.line)
                changes.append("client ID \(clientId)")
            }
            if let declaredThumbprints,
                Set(declaredThumbprints) != Set((existing.thumbprintList ?? []).map { $0.lowercased() })
            {
                try await call(
                    UpdateOpenIDConnectProviderThumbprintInput(
                        openIDConnectProviderArn: providerArn, thumbprintList: declaredThumbprints),
                    line: provider.line)
                changes.append("thumbprints")
            }
            let tags = changedTags(provider.tags, existing: existing.tags)
            if !tags.isEmpty {
                try await call(
                    TagOpenIDConnectProviderInput(openIDConnectProviderArn: providerArn, tags: tags),
                    line: provider.line)
                changes.append("tags")
            }
            record("OIDC provider \(providerArn)", changes)
        }

        mutating func apply(_ provider: SeedPlan.SAMLProvider) async throws {
            let providerArn = "arn:aws:iam::\(account.id):saml-provider/\(provider.name)"
            guard let existing = try await find(GetSAMLProviderInput(samlProviderArn: providerArn), line: provider.line)
            else {
                let input = CreateSAMLProviderInput(
                    samlMetadataDocument: provider.metadata, name: provider.name, tags: iamTags(provider.tags))
                if try await create(input, line: provider.line) {
                    report.created.append("SAML provider \(providerArn)")
                }
                return
            }
            var changes: [String] = []
            let trimmed = provider.metadata.trimmingCharacters(in: .whitespacesAndNewlines)
            if existing.samlMetadataDocument?.trimmingCharacters(in: .whitespacesAndNewlines) != trimmed {
                try await call(
                    UpdateSAMLProviderInput(samlProviderArn: providerArn, samlMetadataDocument: provider.metadata),
                    line: provider.line)
                changes.append("metadata")
            }
            let tags = changedTags(provider.tags, existing: existing.tags)
            if !tags.isEmpty {
                try await call(TagSAMLProviderInput(samlProviderArn: providerArn, tags: tags), line: provider.line)
                changes.append("tags")
            }
            record("SAML provider \(providerArn)", changes)
        }

        // MARK: Virtual MFA devices

        mutating func apply(_ device: SeedPlan.MFADevice) async throws {
            let serial = device.serialNumber(account: account.id)
            guard let seed = device.seedBytes else { return }
            let devices =
                try await call(ListVirtualMFADevicesInput(maxItems: 1000), line: device.line).virtualMFADevices ?? []
            var existing = devices.first(where: { $0.serialNumber == serial })
            if existing == nil {
                let put: Bool
                do {
                    put = try await target.putVirtualMFADevice(device, seed: seed, now: now)
                } catch let error as SeedCallError {
                    throw Failure(line: device.line, message: error.message)
                }
                guard put else {
                    report.skipped.append(
                        "MFA device \(serial): the IAM API cannot take a given seed; the server applies it at start")
                    return
                }
                report.created.append("MFA device \(serial)")
                existing = IAM.VirtualMFADevice(serialNumber: serial)
            }
            guard let user = device.user else { return }
            if let holder = existing?.user?.userName {
                if holder != user {
                    report.skipped.append("MFA device \(serial): enabled for \(holder), left as it is")
                }
                return
            }
            // EnableMFADevice with two consecutive codes of the given seed (the two steps before the current one,
            // so the current code stays usable).
            let totp = TOTP(secret: seed)
            let step = Int64((now.timeIntervalSince1970 / 30).rounded(.down))
            try await call(
                EnableMFADeviceInput(
                    userName: user, serialNumber: serial, authenticationCode1: totp.code(step: step - 2),
                    authenticationCode2: totp.code(step: step - 1)), line: device.line)
            record("MFA device \(serial)", ["enabled for \(user)"])
        }
    }
}
