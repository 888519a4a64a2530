import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery
import LatchkeyTokens

/// The seed applied at start: each operation runs `IAMService`'s method as the account's root (the same code, checks
/// and store writes as the IAM API), after the same parameter validation as the endpoint's. Given access keys and MFA
/// seeds, which the IAM API cannot take, are written to the store directly, sealed as `CreateAccessKey` and
/// `CreateVirtualMFADevice` seal them.
struct InProcessSeedTarget: SeedTarget {
    let iam: IAMService
    let store: any IdentityStore
    let secretBox: SecretBox
    let accountId: String
    let now: @Sendable () -> Date

    private var caller: Caller { Caller(accountId: accountId, accessKeyId: "latchkey-seed", credentials: .root) }

    func send<Input: OperationInput>(_ input: Input) async throws -> Input.Output {
        var parameters: [String: String] = [:]
        for pair in input.queryParameters { parameters[pair.name] = pair.value }
        do throws(STSError) {
            _ = try Input.operation.schema.decode(parameters)
        } catch {
            throw SeedCallError(code: error.code.wireCode, message: error.message)
        }
        guard let handler = Self.handlers[ObjectIdentifier(Input.self)] else {
            throw SeedCallError(code: "InternalFailure", message: "the seed cannot call \(Input.operation.name)")
        }
        let output: any OperationOutput
        do {
            output = try await handler(input, iam, caller, now())
        } catch let error as STSError {
            throw SeedCallError(code: error.code.wireCode, message: error.message)
        }
        guard let typed = output as? Input.Output else {
            throw SeedCallError(code: "InternalFailure", message: "\(Input.operation.name) answered another type")
        }
        return typed
    }

    func putGivenAccessKey(userName: String, accessKeyId: String, secretAccessKey: String, now: Date) async throws
        -> Bool
    {
        let record = AccessKeyRecord(
            accessKeyId: accessKeyId, accountId: accountId, userName: userName, status: .active,
            createDate: now.wholeSeconds,
            sealedSecret: secretBox.seal(Array(secretAccessKey.utf8), context: "access-key:\(accessKeyId)"))
        do {
            try await store.insertAccessKey(record, maxKeysPerOwner: 2)
        } catch let error as StoreError {
            switch error.code {
            case .alreadyExists:
                throw SeedCallError(
                    code: "EntityAlreadyExists", message: "access key \(accessKeyId) belongs to another owner")
            case .limitExceeded:
                throw SeedCallError(code: "LimitExceeded", message: "Cannot exceed quota for AccessKeysPerUser: 2")
            default: throw error
            }
        }
        return true
    }

    func putVirtualMFADevice(_ device: SeedPlan.MFADevice, seed: [UInt8], now: Date) async throws -> Bool {
        let serial = device.serialNumber(account: accountId)
        let record = MFADeviceRecord(
            accountId: accountId, serialNumber: serial, path: device.path, deviceName: device.name,
            sealedSeed: secretBox.seal(seed, context: "mfa-seed:\(serial)"), createDate: now.wholeSeconds,
            tags: device.tags.map { ResourceTag(key: $0.key, value: $0.value) })
        try await store.insertMFADevice(record)
        return true
    }

    typealias Handler = @Sendable (any OperationInput, IAMService, Caller, Date) async throws -> any OperationOutput

    private static func on<I: OperationInput>(
        _: I.Type, _ run: @escaping @Sendable (IAMService, I, Caller, Date) async throws -> I.Output
    ) -> (ObjectIdentifier, Handler) {
        (
            ObjectIdentifier(I.self),
            { input, iam, caller, now in
                guard let input = input as? I else {
                    throw SeedCallError(code: "InternalFailure", message: "not a \(I.operation.name) input")
                }
                return try await run(iam, input, caller, now)
            }
        )
    }

    /// Every operation the applier calls.
    private static let handlers: [ObjectIdentifier: Handler] = Dictionary(
        uniqueKeysWithValues: [
            on(GetPolicyInput.self) { iam, input, caller, _ in try await iam.getPolicy(input, caller: caller) },
            on(CreatePolicyInput.self) { iam, input, caller, now in
                try await iam.createPolicy(input, caller: caller, now: now)
            },
            on(GetPolicyVersionInput.self) { iam, input, caller, _ in
                try await iam.getPolicyVersion(input, caller: caller)
            },
            on(ListPolicyVersionsInput.self) { iam, input, caller, _ in
                try await iam.listPolicyVersions(input, caller: caller)
            },
            on(CreatePolicyVersionInput.self) { iam, input, caller, now in
                try await iam.createPolicyVersion(input, caller: caller, now: now)
            },
            on(DeletePolicyVersionInput.self) { iam, input, caller, _ in
                try await iam.deletePolicyVersion(input, caller: caller)
            },
            on(TagPolicyInput.self) { iam, input, caller, _ in try await iam.tag(input, caller: caller) },
            on(GetGroupInput.self) { iam, input, caller, _ in try await iam.getGroup(input, caller: caller) },
            on(CreateGroupInput.self) { iam, input, caller, now in
                try await iam.createGroup(input, caller: caller, now: now)
            },
            on(GetGroupPolicyInput.self) { iam, input, caller, _ in try await iam.getGroupPolicy(input, caller: caller)
            },
            on(PutGroupPolicyInput.self) { iam, input, caller, _ in try await iam.putGroupPolicy(input, caller: caller)
            },
            on(ListAttachedGroupPoliciesInput.self) { iam, input, caller, _ in
                try await iam.listAttachedGroupPolicies(input, caller: caller)
            },
            on(AttachGroupPolicyInput.self) { iam, input, caller, _ in
                try await iam.attachGroupPolicy(input, caller: caller)
            },
            on(GetUserInput.self) { iam, input, caller, _ in try await iam.getUser(input, caller: caller) },
            on(CreateUserInput.self) { iam, input, caller, now in
                try await iam.createUser(input, caller: caller, now: now)
            },
            on(TagUserInput.self) { iam, input, caller, _ in try await iam.tag(input, caller: caller) },
            on(PutUserPermissionsBoundaryInput.self) { iam, input, caller, _ in
                try await iam.putUserPermissionsBoundary(input, caller: caller)
            },
            on(ListGroupsForUserInput.self) { iam, input, caller, _ in
                try await iam.listGroupsForUser(input, caller: caller)
            },
            on(AddUserToGroupInput.self) { iam, input, caller, _ in try await iam.addUserToGroup(input, caller: caller)
            },
            on(GetUserPolicyInput.self) { iam, input, caller, _ in try await iam.getUserPolicy(input, caller: caller) },
            on(PutUserPolicyInput.self) { iam, input, caller, _ in try await iam.putUserPolicy(input, caller: caller) },
            on(ListAttachedUserPoliciesInput.self) { iam, input, caller, _ in
                try await iam.listAttachedUserPolicies(input, caller: caller)
            },
            on(AttachUserPolicyInput.self) { iam, input, caller, _ in
                try await iam.attachUserPolicy(input, caller: caller)
            },
            on(ListAccessKeysInput.self) { iam, input, caller, _ in try await iam.listAccessKeys(input, caller: caller)
            },
            on(CreateAccessKeyInput.self) { iam, input, caller, now in
                try await iam.createAccessKey(input, caller: caller, now: now)
            },
            on(GetRoleInput.self) { iam, input, caller, _ in try await iam.getRole(input, caller: caller) },
            on(CreateRoleInput.self) { iam, input, caller, now in
                try await iam.createRole(input, caller: caller, now: now)
            },
            on(UpdateRoleInput.self) { iam, input, caller, _ in try await iam.updateRole(input, caller: caller) },
            on(UpdateAssumeRolePolicyInput.self) { iam, input, caller, _ in
                try await iam.updateAssumeRolePolicy(input, caller: caller)
            },
            on(TagRoleInput.self) { iam, input, caller, _ in try await iam.tag(input, caller: caller) },
            on(PutRolePermissionsBoundaryInput.self) { iam, input, caller, _ in
                try await iam.putRolePermissionsBoundary(input, caller: caller)
            },
            on(GetRolePolicyInput.self) { iam, input, caller, _ in try await iam.getRolePolicy(input, caller: caller) },
            on(PutRolePolicyInput.self) { iam, input, caller, _ in try await iam.putRolePolicy(input, caller: caller) },
            on(ListAttachedRolePoliciesInput.self) { iam, input, caller, _ in
                try await iam.listAttachedRolePolicies(input, caller: caller)
            },
            on(AttachRolePolicyInput.self) { iam, input, caller, _ in
                try await iam.attachRolePolicy(input, caller: caller)
            },
            on(GetOpenIDConnectProviderInput.self) { iam, input, caller, _ in
                try await iam.getOpenIDConnectProvider(input, caller: caller)
            },
            on(CreateOpenIDConnectProviderInput.self) { iam, input, caller, now in
                try await iam.createOpenIDConnectProvider(input, caller: caller, now: now)
            },
            on(AddClientIDToOpenIDConnectProviderInput.self) { iam, input, caller, _ in
                try await iam.addClientIDToOpenIDConnectProvider(input, caller: caller)
            },
            on(UpdateOpenIDConnectProviderThumbprintInput.self) { iam, input, caller, _ in
                try await iam.updateOpenIDConnectProviderThumbprint(input, caller: caller)
            },
            on(TagOpenIDConnectProviderInput.self) { iam, input, caller, _ in try await iam.tag(input, caller: caller)
            },
            on(GetSAMLProviderInput.self) { iam, input, caller, _ in
                try await iam.getSAMLProvider(input, caller: caller)
            },
            on(CreateSAMLProviderInput.self) { iam, input, caller, now in
                try await iam.createSAMLProvider(input, caller: caller, now: now)
            },
            on(UpdateSAMLProviderInput.self) { iam, input, caller, _ in
                try await iam.updateSAMLProvider(input, caller: caller)
            },
            on(TagSAMLProviderInput.self) { iam, input, caller, _ in try await iam.tag(input, caller: caller) },
            on(ListVirtualMFADevicesInput.self) { iam, input, caller, _ in
                try await iam.listVirtualMFADevices(input, caller: caller)
            },
            on(EnableMFADeviceInput.self) { iam, input, caller, now in
                try await iam.enableMFADevice(input, caller: caller, now: now)
            },
        ])
}
