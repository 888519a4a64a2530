import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

extension IAMService {
    /// Roles: creating, reading, updating and deleting them, their trust policies and permissions boundaries, their
    /// inline policies and attached managed policies.
    func registerRoleOperations(in registry: inout OperationRegistry) {
        registry.on(CreateRoleInput.self) { input, context in
            try await self.createRole(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetRoleInput.self) { input, context in
            try await self.getRole(input, caller: try context.signedCaller())
        }
        registry.on(ListRolesInput.self) { input, context in
            try await self.listRoles(input, caller: try context.signedCaller())
        }
        registry.on(UpdateRoleInput.self) { input, context in
            try await self.updateRole(input, caller: try context.signedCaller())
        }
        registry.on(UpdateRoleDescriptionInput.self) { input, context in
            try await self.updateRoleDescription(input, caller: try context.signedCaller())
        }
        registry.on(UpdateAssumeRolePolicyInput.self) { input, context in
            try await self.updateAssumeRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(DeleteRoleInput.self) { input, context in
            try await self.deleteRole(input, caller: try context.signedCaller())
        }
        registry.on(PutRolePermissionsBoundaryInput.self) { input, context in
            try await self.putRolePermissionsBoundary(input, caller: try context.signedCaller())
        }
        registry.on(DeleteRolePermissionsBoundaryInput.self) { input, context in
            try await self.deleteRolePermissionsBoundary(input, caller: try context.signedCaller())
        }
        registry.on(PutRolePolicyInput.self) { input, context in
            try await self.putRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(GetRolePolicyInput.self) { input, context in
            try await self.getRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(DeleteRolePolicyInput.self) { input, context in
            try await self.deleteRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListRolePoliciesInput.self) { input, context in
            try await self.listRolePolicies(input, caller: try context.signedCaller())
        }
        registry.on(AttachRolePolicyInput.self) { input, context in
            try await self.attachRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(DetachRolePolicyInput.self) { input, context in
            try await self.detachRolePolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListAttachedRolePoliciesInput.self) { input, context in
            try await self.listAttachedRolePolicies(input, caller: try context.signedCaller())
        }
    }
}
