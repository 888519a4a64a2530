import LatchkeyCore
import LatchkeyModel

extension IAMService {
    /// Groups, their members, and their inline and attached policies.
    func registerGroupOperations(in registry: inout OperationRegistry) {
        registry.on(CreateGroupInput.self) { input, context in
            try await self.createGroup(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetGroupInput.self) { input, context in
            try await self.getGroup(input, caller: try context.signedCaller())
        }
        registry.on(ListGroupsInput.self) { input, context in
            try await self.listGroups(input, caller: try context.signedCaller())
        }
        registry.on(UpdateGroupInput.self) { input, context in
            try await self.updateGroup(input, caller: try context.signedCaller())
        }
        registry.on(DeleteGroupInput.self) { input, context in
            try await self.deleteGroup(input, caller: try context.signedCaller())
        }
        registry.on(AddUserToGroupInput.self) { input, context in
            try await self.addUserToGroup(input, caller: try context.signedCaller())
        }
        registry.on(RemoveUserFromGroupInput.self) { input, context in
            try await self.removeUserFromGroup(input, caller: try context.signedCaller())
        }
        registry.on(ListGroupsForUserInput.self) { input, context in
            try await self.listGroupsForUser(input, caller: try context.signedCaller())
        }
        registry.on(PutGroupPolicyInput.self) { input, context in
            try await self.putGroupPolicy(input, caller: try context.signedCaller())
        }
        registry.on(GetGroupPolicyInput.self) { input, context in
            try await self.getGroupPolicy(input, caller: try context.signedCaller())
        }
        registry.on(DeleteGroupPolicyInput.self) { input, context in
            try await self.deleteGroupPolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListGroupPoliciesInput.self) { input, context in
            try await self.listGroupPolicies(input, caller: try context.signedCaller())
        }
        registry.on(AttachGroupPolicyInput.self) { input, context in
            try await self.attachGroupPolicy(input, caller: try context.signedCaller())
        }
        registry.on(DetachGroupPolicyInput.self) { input, context in
            try await self.detachGroupPolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListAttachedGroupPoliciesInput.self) { input, context in
            try await self.listAttachedGroupPolicies(input, caller: try context.signedCaller())
        }
    }
}
