import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension IAMService {
    /// Groups, their members, and their inline and attached policies.
    func groupHandlers() -> [String: OperationHandler] {
        [
            "CreateGroup": { request in
                let group = try await self.createGroup(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    path: request.input.string("Path"), now: request.now)
                return .result([group.node(name: "Group")])
            },
            "GetGroup": { request in
                let (group, users) = try await self.getGroup(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result(
                    [group.node(name: "Group"), .list("Users", users.items.map { $0.node(name: "member", inListing: true) })]
                        + users.trailer)
            },
            "ListGroups": { request in
                let page = try await self.listGroups(
                    caller: try request.signedCaller(), pathPrefix: request.input.string("PathPrefix"),
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Groups", page.items.map { $0.node(name: "member") })] + page.trailer)
            },
            "UpdateGroup": { request in
                try await self.updateGroup(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    newGroupName: request.input.string("NewGroupName"), newPath: request.input.string("NewPath"))
                return nil
            },
            "DeleteGroup": { request in
                try await self.deleteGroup(caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "")
                return nil
            },
            "AddUserToGroup": { request in
                try await self.addUserToGroup(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    userName: request.input.string("UserName") ?? "")
                return nil
            },
            "RemoveUserFromGroup": { request in
                try await self.removeUserFromGroup(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    userName: request.input.string("UserName") ?? "")
                return nil
            },
            "ListGroupsForUser": { request in
                let page = try await self.listGroupsForUser(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Groups", page.items.map { $0.node(name: "member") })] + page.trailer)
            },
            "PutGroupPolicy": { request in
                try await self.putGroupPolicy(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "",
                    document: request.input.string("PolicyDocument") ?? "")
                return nil
            },
            "GetGroupPolicy": { request in
                let policy = try await self.getGroupPolicy(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                var encoded = ""
                QueryParameters.percentEncode(policy.document, into: &encoded)
                return .result([
                    .string("GroupName", policy.owner.name), .string("PolicyName", policy.policyName),
                    .string("PolicyDocument", encoded),
                ])
            },
            "DeleteGroupPolicy": { request in
                try await self.deleteGroupPolicy(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                return nil
            },
            "ListGroupPolicies": { request in
                let page = try await self.listGroupPolicies(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("PolicyNames", strings: page.items)] + page.trailer)
            },
            "AttachGroupPolicy": { request in
                try await self.attachGroupPolicy(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "DetachGroupPolicy": { request in
                try await self.detachGroupPolicy(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "ListAttachedGroupPolicies": { request in
                let page = try await self.listAttachedGroupPolicies(
                    caller: try request.signedCaller(), groupName: request.input.string("GroupName") ?? "",
                    pathPrefix: request.input.string("PathPrefix"), marker: request.input.string("Marker"),
                    maxItems: request.input.int("MaxItems"))
                let items: [ResponseNode] = page.items.map { policy in
                    .structure("member", [.string("PolicyName", policy.policyName), .string("PolicyArn", policy.policyArn)])
                }
                return .result([.list("AttachedPolicies", items)] + page.trailer)
            },
        ]
    }
}

extension IAMGroup {
    /// `Group`.
    fileprivate func node(name: String) -> ResponseNode {
        .structure(name, [
            .string("Path", path), .string("GroupName", groupName), .string("GroupId", groupId), .string("Arn", arn),
            .timestamp("CreateDate", createDate),
        ])
    }
}
