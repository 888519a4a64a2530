import LatchkeyCore
import LatchkeyModel

extension IAMService {
    /// Inline and attached policies of users, and their permissions boundaries.
    func registerUserPolicyOperations(in registry: inout OperationRegistry) {
        registry.on(PutUserPolicyInput.self) { input, context in
            try await self.putUserPolicy(input, caller: try context.signedCaller())
        }
        registry.on(GetUserPolicyInput.self) { input, context in
            try await self.getUserPolicy(input, caller: try context.signedCaller())
        }
        registry.on(DeleteUserPolicyInput.self) { input, context in
            try await self.deleteUserPolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListUserPoliciesInput.self) { input, context in
            try await self.listUserPolicies(input, caller: try context.signedCaller())
        }
        registry.on(AttachUserPolicyInput.self) { input, context in
            try await self.attachUserPolicy(input, caller: try context.signedCaller())
        }
        registry.on(DetachUserPolicyInput.self) { input, context in
            try await self.detachUserPolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListAttachedUserPoliciesInput.self) { input, context in
            try await self.listAttachedUserPolicies(input, caller: try context.signedCaller())
        }
        registry.on(PutUserPermissionsBoundaryInput.self) { input, context in
            try await self.putUserPermissionsBoundary(input, caller: try context.signedCaller())
        }
        registry.on(DeleteUserPermissionsBoundaryInput.self) { input, context in
            try await self.deleteUserPermissionsBoundary(input, caller: try context.signedCaller())
        }
    }
}
