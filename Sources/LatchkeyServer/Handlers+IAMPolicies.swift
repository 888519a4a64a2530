import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

extension IAMService {
    /// Customer managed policies and their versions.
    func registerManagedPolicyOperations(in registry: inout OperationRegistry) {
        registry.on(CreatePolicyInput.self) { input, context in
            try await self.createPolicy(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetPolicyInput.self) { input, context in
            try await self.getPolicy(input, caller: try context.signedCaller())
        }
        registry.on(DeletePolicyInput.self) { input, context in
            try await self.deletePolicy(input, caller: try context.signedCaller())
        }
        registry.on(ListPoliciesInput.self) { input, context in
            try await self.listPolicies(input, caller: try context.signedCaller())
        }
        registry.on(GetPolicyVersionInput.self) { input, context in
            try await self.getPolicyVersion(input, caller: try context.signedCaller())
        }
        registry.on(CreatePolicyVersionInput.self) { input, context in
            try await self.createPolicyVersion(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(DeletePolicyVersionInput.self) { input, context in
            try await self.deletePolicyVersion(input, caller: try context.signedCaller())
        }
        registry.on(SetDefaultPolicyVersionInput.self) { input, context in
            try await self.setDefaultPolicyVersion(input, caller: try context.signedCaller())
        }
        registry.on(ListPolicyVersionsInput.self) { input, context in
            try await self.listPolicyVersions(input, caller: try context.signedCaller())
        }
    }
}
