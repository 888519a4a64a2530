import LatchkeyCore
import LatchkeyModel

extension IAMService {
    /// Users, access keys, MFA devices, groups, and the inline and attached policies and permissions boundaries of
    /// users and groups.
    func registerUserAndGroupOperations(in registry: inout OperationRegistry) {
        registerUserOperations(in: &registry)
        registerAccessKeyOperations(in: &registry)
        registerMFAOperations(in: &registry)
        registerGroupOperations(in: &registry)
        registerUserPolicyOperations(in: &registry)
    }

    /// Users.
    func registerUserOperations(in registry: inout OperationRegistry) {
        registry.on(CreateUserInput.self) { input, context in
            try await self.createUser(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetUserInput.self) { input, context in
            try await self.getUser(input, caller: try context.signedCaller())
        }
        registry.on(ListUsersInput.self) { input, context in
            try await self.listUsers(input, caller: try context.signedCaller())
        }
        registry.on(DeleteUserInput.self) { input, context in
            try await self.deleteUser(input, caller: try context.signedCaller())
        }
        registry.on(UpdateUserInput.self) { input, context in
            try await self.updateUser(input, caller: try context.signedCaller())
        }
    }

    /// Access keys.
    func registerAccessKeyOperations(in registry: inout OperationRegistry) {
        registry.on(CreateAccessKeyInput.self) { input, context in
            try await self.createAccessKey(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(ListAccessKeysInput.self) { input, context in
            try await self.listAccessKeys(input, caller: try context.signedCaller())
        }
        registry.on(UpdateAccessKeyInput.self) { input, context in
            try await self.updateAccessKey(input, caller: try context.signedCaller())
        }
        registry.on(DeleteAccessKeyInput.self) { input, context in
            try await self.deleteAccessKey(input, caller: try context.signedCaller())
        }
        registry.on(GetAccessKeyLastUsedInput.self) { input, context in
            try await self.getAccessKeyLastUsed(input, caller: try context.signedCaller())
        }
    }

    /// Virtual MFA devices.
    func registerMFAOperations(in registry: inout OperationRegistry) {
        registry.on(CreateVirtualMFADeviceInput.self) { input, context in
            try await self.createVirtualMFADevice(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(EnableMFADeviceInput.self) { input, context in
            try await self.enableMFADevice(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(DeactivateMFADeviceInput.self) { input, context in
            try await self.deactivateMFADevice(input, caller: try context.signedCaller())
        }
        registry.on(ListMFADevicesInput.self) { input, context in
            try await self.listMFADevices(input, caller: try context.signedCaller())
        }
        registry.on(ListVirtualMFADevicesInput.self) { input, context in
            try await self.listVirtualMFADevices(input, caller: try context.signedCaller())
        }
        registry.on(DeleteVirtualMFADeviceInput.self) { input, context in
            try await self.deleteVirtualMFADevice(input, caller: try context.signedCaller())
        }
    }
}
