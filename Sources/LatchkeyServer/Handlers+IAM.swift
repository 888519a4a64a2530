import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension IAMService {
    /// The IAM admin operations by `Action`: users, keys and MFA here; roles and policies in their own files.
    func handlers() -> [String: OperationHandler] {
        userHandlers().merging(roleHandlers()) { first, _ in first }.merging(policyHandlers()) { first, _ in first }
            .merging(providerHandlers()) { first, _ in first }
    }

    /// Users, access keys and MFA devices.
    func userHandlers() -> [String: OperationHandler] {
        [
            "CreateUser": { request in
                let input = request.input
                let user = try await self.createUser(
                    caller: try request.signedCaller(), userName: input.string("UserName") ?? "",
                    path: input.string("Path"), permissionsBoundary: input.string("PermissionsBoundary"),
                    tags: input.tags("Tags"), now: request.now)
                return .result([user.node])
            },
            "GetUser": { request in
                let result = try await self.getUser(caller: try request.signedCaller(), userName: request.input.string("UserName"))
                switch result {
                case .user(let user):
                    return .result([user.node])
                case .root(let accountId, let createDate):
                    return .result([
                        .structure("User", [
                            .string("UserId", accountId), .string("Arn", "arn:aws:iam::\(accountId):root"),
                            .timestamp("CreateDate", createDate),
                        ])
                    ])
                }
            },
            "ListUsers": { request in
                let page = try await self.listUsers(
                    caller: try request.signedCaller(), pathPrefix: request.input.string("PathPrefix"),
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Users", page.items.map { $0.node(name: "member", inListing: true) })] + page.trailer)
            },
            "DeleteUser": { request in
                try await self.deleteUser(caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "")
                return nil
            },
            "UpdateUser": { request in
                _ = try await self.updateUser(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    newUserName: request.input.string("NewUserName"), newPath: request.input.string("NewPath"))
                return nil
            },
            "TagUser": { request in
                try await self.tagUser(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    tags: request.input.tags("Tags"))
                return nil
            },
            "UntagUser": { request in
                try await self.untagUser(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    tagKeys: request.input.strings("TagKeys"))
                return nil
            },
            "ListUserTags": { request in
                let page = try await self.listUserTags(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Tags", page.items.map(\.node))] + page.trailer)
            },
            "CreateAccessKey": { request in
                let key = try await self.createAccessKey(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"), now: request.now)
                return .result([
                    .structure("AccessKey", [
                        key.record.userName.map { .string("UserName", $0) },
                        .string("AccessKeyId", key.record.accessKeyId),
                        .string("Status", key.record.status.rawValue),
                        .string("SecretAccessKey", key.secretAccessKey),
                        .timestamp("CreateDate", key.record.createDate),
                    ])
                ])
            },
            "ListAccessKeys": { request in
                let page = try await self.listAccessKeys(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"),
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("AccessKeyMetadata", page.items.map(\.metadataNode))] + page.trailer)
            },
            "UpdateAccessKey": { request in
                let text = request.input.string("Status") ?? ""
                guard let status = AccessKeyStatus(rawValue: text) else {
                    throw STSError(.invalidInput, "Status must be Active or Inactive, not \(text).")
                }
                try await self.updateAccessKey(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"),
                    accessKeyId: request.input.string("AccessKeyId") ?? "", status: status)
                return nil
            },
            "DeleteAccessKey": { request in
                try await self.deleteAccessKey(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"),
                    accessKeyId: request.input.string("AccessKeyId") ?? "")
                return nil
            },
            "GetAccessKeyLastUsed": { request in
                let answer = try await self.getAccessKeyLastUsed(
                    caller: try request.signedCaller(), accessKeyId: request.input.string("AccessKeyId") ?? "")
                // Never used: no LastUsedDate, ServiceName and Region "N/A" (the model marks those two required).
                let lastUse = answer.lastUse
                return .result([
                    answer.key.userName.map { .string("UserName", $0) },
                    .structure("AccessKeyLastUsed", [
                        lastUse.map { .timestamp("LastUsedDate", $0.date) },
                        .string("ServiceName", lastUse?.serviceName ?? "N/A"),
                        .string("Region", lastUse?.region ?? "N/A"),
                    ]),
                ])
            },
            "CreateVirtualMFADevice": { request in
                let device = try await self.createVirtualMFADevice(
                    caller: try request.signedCaller(), path: request.input.string("Path"),
                    name: request.input.string("VirtualMFADeviceName") ?? "", tags: request.input.tags("Tags"),
                    now: request.now)
                return .result([
                    .structure("VirtualMFADevice", [
                        .string("SerialNumber", device.record.serialNumber),
                        // Base32StringSeed is a blob: the Base32 text, base64-encoded on the wire.
                        .string("Base32StringSeed", Data(device.base32Seed.utf8).base64EncodedString()),
                        device.qrCodePNG.isEmpty ? nil : .string("QRCodePNG", Data(device.qrCodePNG).base64EncodedString()),
                        device.record.tags.isEmpty ? nil : .list("Tags", device.record.tags.map(\.node)),
                    ])
                ])
            },
            "EnableMFADevice": { request in
                try await self.enableMFADevice(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    serialNumber: request.input.string("SerialNumber") ?? "",
                    code1: request.input.string("AuthenticationCode1") ?? "",
                    code2: request.input.string("AuthenticationCode2") ?? "", now: request.now)
                return nil
            },
            "DeactivateMFADevice": { request in
                try await self.deactivateMFADevice(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"),
                    serialNumber: request.input.string("SerialNumber") ?? "")
                return nil
            },
            "ListMFADevices": { request in
                let page = try await self.listMFADevices(
                    caller: try request.signedCaller(), userName: request.input.string("UserName"),
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                let items: [ResponseNode] = page.items.map { device in
                    .structure("member", [
                        device.userName.map { .string("UserName", $0) },
                        .string("SerialNumber", device.serialNumber),
                        device.enableDate.map { .timestamp("EnableDate", $0) },
                    ])
                }
                return .result([.list("MFADevices", items)] + page.trailer)
            },
            "ListVirtualMFADevices": { request in
                let caller = try request.signedCaller()
                let status = IAMService.AssignmentStatus(rawValue: request.input.string("AssignmentStatus") ?? "Any") ?? .any
                let page = try await self.listVirtualMFADevices(
                    caller: caller, assignmentStatus: status, marker: request.input.string("Marker"),
                    maxItems: request.input.int("MaxItems"))
                var items: [ResponseNode] = []
                for device in page.items {
                    var user: ResponseNode?
                    if let name = device.userName, case .user(let owner)? = try? await self.getUser(caller: caller, userName: name) {
                        user = owner.node(name: "User", inListing: true)
                    }
                    items.append(
                        .structure("member", [
                            .string("SerialNumber", device.serialNumber), user,
                            device.enableDate.map { .timestamp("EnableDate", $0) },
                        ]))
                }
                return .result([.list("VirtualMFADevices", items)] + page.trailer)
            },
            "DeleteVirtualMFADevice": { request in
                try await self.deleteVirtualMFADevice(
                    caller: try request.signedCaller(), serialNumber: request.input.string("SerialNumber") ?? "")
                return nil
            },
        ]
    }
}

extension IAMUser {
    var node: ResponseNode { node(name: "User", inListing: false) }

    /// `User`; listings (ListUsers, ListVirtualMFADevices) leave out the permissions boundary and tags, as IAM does.
    func node(name: String, inListing: Bool) -> ResponseNode {
        .structure(name, [
            .string("Path", path), .string("UserName", userName), .string("UserId", userId), .string("Arn", arn),
            .timestamp("CreateDate", createDate),
            (inListing ? nil : permissionsBoundaryArn).map { arn in
                .structure("PermissionsBoundary", [
                    .string("PermissionsBoundaryType", "PermissionsBoundaryPolicy"), .string("PermissionsBoundaryArn", arn),
                ])
            },
            !inListing && !tags.isEmpty ? .list("Tags", tags.map(\.node)) : nil,
        ])
    }
}

extension ResourceTag {
    var node: ResponseNode { .structure("member", [.string("Key", key), .string("Value", value)]) }
}

extension AccessKeyRecord {
    var metadataNode: ResponseNode {
        .structure("member", [
            userName.map { .string("UserName", $0) }, .string("AccessKeyId", accessKeyId),
            .string("Status", status.rawValue), .timestamp("CreateDate", createDate),
        ])
    }
}

extension Page {
    /// `IsTruncated` and, when truncated, `Marker`.
    var trailer: [ResponseNode?] {
        [.boolean("IsTruncated", isTruncated), marker.map { .string("Marker", $0) }]
    }
}

extension QueryInput {
    /// `Tags.member.N.Key/Value` as resource tags.
    func tags(_ name: String) -> [ResourceTag] {
        structures(name).map { ResourceTag(key: $0.string("Key") ?? "", value: $0.string("Value") ?? "") }
    }
}
