import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct MFADeviceStoreTests {
    private let serial = Fixture.serial("phone")

    private func enable(_ store: any LatchkeyStore, user: String = "Alice", step: Int64 = 100) async throws {
        try await store.enableMFADevice(
            accountId: Fixture.accountId, serialNumber: serial, userName: user,
            enableDate: Fixture.date(plusSeconds: 300), lastUsedStep: step
        )
    }

    @Test("an inserted device reads back equal, seed bytes and tags intact", arguments: StoreKind.allCases)
    func insertedDeviceReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let device = Fixture.device("phone")
            try await store.insertMFADevice(device)
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial) == device)
            #expect(try await store.mfaDevice(accountId: Fixture.otherAccountId, serialNumber: serial) == nil)
        }
    }

    @Test("a duplicate serial number is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateSerialIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertMFADevice(Fixture.device("phone"))
            let error = await storeError { try await store.insertMFADevice(Fixture.device("phone")) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test(
        "a device name differing only in case is rejected with alreadyExists, case kept", arguments: StoreKind.allCases)
    func caseVariantDeviceNameIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertMFADevice(Fixture.device("Phone"))
            let error = await storeError { try await store.insertMFADevice(Fixture.device("phone")) }
            #expect(error?.code == .alreadyExists)
            #expect(try await store.mfaDevices(accountId: Fixture.accountId).map(\.deviceName) == ["Phone"])
        }
    }

    @Test("a device in a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func deviceInMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertMFADevice(Fixture.device("phone", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "a device created already enabled for a missing user is rejected with notFound, storing nothing",
        arguments: StoreKind.allCases)
    func deviceForMissingUserIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            var device = Fixture.device("phone")
            device.userName = "Ghost"
            device.enableDate = Fixture.epoch
            let error = await storeError { try await store.insertMFADevice(device) }
            #expect(error?.code == .notFound)
            #expect(try await store.mfaDevices(accountId: Fixture.accountId).isEmpty)
        }
    }

    @Test("a device created already enabled reads back with its user in stored case", arguments: StoreKind.allCases)
    func deviceCreatedEnabledReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            var device = Fixture.device("phone")
            device.userName = "Alice"
            device.enableDate = Fixture.date(plusSeconds: 1)
            device.lastUsedStep = 42
            try await store.insertMFADevice(device)
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial) == device)
        }
    }

    @Test("devices are listed per account, ordered by serial number", arguments: StoreKind.allCases)
    func devicesAreOrderedBySerial(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
            for name in ["zeta", "Alpha", "mid"] { try await store.insertMFADevice(Fixture.device(name)) }
            try await store.insertMFADevice(Fixture.device("other", accountId: Fixture.otherAccountId))
            let serials = try await store.mfaDevices(accountId: Fixture.accountId).map(\.serialNumber)
            #expect(serials == ["Alpha", "mid", "zeta"].map { Fixture.serial($0) })
        }
    }

    @Test(
        "enabling records the user, date and step; deactivating detaches and keeps the step",
        arguments: StoreKind.allCases)
    func enableThenDeactivate(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await enable(store, user: "alice", step: 100)
            let enabled = try #require(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial))
            #expect(enabled.userName == "Alice")
            #expect(enabled.enableDate == Fixture.date(plusSeconds: 300))
            #expect(enabled.lastUsedStep == 100)
            try await store.deactivateMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            let detached = try #require(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial))
            #expect(detached.userName == nil)
            #expect(detached.enableDate == nil)
            #expect(detached.lastUsedStep == 100)
        }
    }

    @Test("enabling a missing device or for a missing user is rejected with notFound", arguments: StoreKind.allCases)
    func enableOfMissingIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let noDevice = await storeError { try await enable(store) }
            #expect(noDevice?.code == .notFound)
            try await store.insertMFADevice(Fixture.device("phone"))
            let noUser = await storeError { try await enable(store, user: "Ghost") }
            #expect(noUser?.code == .notFound)
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial)?.userName == nil)
        }
    }

    @Test("enabling an already enabled device is rejected with conflict, for anyone", arguments: StoreKind.allCases)
    func enableOfEnabledDeviceIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertUser(Fixture.user("Bob"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await enable(store, user: "Alice")
            let again = await storeError { try await enable(store, user: "Alice") }
            #expect(again?.code == .conflict)
            let other = await storeError { try await enable(store, user: "Bob") }
            #expect(other?.code == .conflict)
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial)?.userName == "Alice")
        }
    }

    @Test("deactivating a missing or not-enabled device is rejected with notFound", arguments: StoreKind.allCases)
    func deactivateOfMissingIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let missing = await storeError {
                try await store.deactivateMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            }
            #expect(missing?.code == .notFound)
            try await store.insertMFADevice(Fixture.device("phone"))
            let notEnabled = await storeError {
                try await store.deactivateMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            }
            #expect(notEnabled?.code == .notFound)
        }
    }

    @Test(
        "deleting an enabled device is refused with conflict; a detached one is deleted", arguments: StoreKind.allCases)
    func deleteDevice(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await enable(store)
            let inUse = await storeError {
                try await store.deleteMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            }
            #expect(inUse?.code == .conflict)
            try await store.deactivateMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            try await store.deleteMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial) == nil)
            let missing = await storeError {
                try await store.deleteMFADevice(accountId: Fixture.accountId, serialNumber: serial)
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test(
        "a step is accepted once; the same or an earlier step is refused and changes nothing",
        arguments: StoreKind.allCases)
    func consumedStepIsNotReplayable(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertMFADevice(Fixture.device("phone"))
            #expect(try await store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 50))
            #expect(try await !store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 50))
            #expect(try await !store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 49))
            #expect(try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: serial)?.lastUsedStep == 50)
            #expect(try await store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 51))
        }
    }

    @Test("a step at or before the one recorded when enabling is refused", arguments: StoreKind.allCases)
    func enableStepIsNotReplayable(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await enable(store, step: 100)
            #expect(try await !store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 100))
            #expect(try await store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 101))
        }
    }

    @Test("consuming a step of a missing device is rejected with notFound", arguments: StoreKind.allCases)
    func consumeOnMissingDeviceIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                _ = try await store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 1)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("50 concurrent consumers of the same step: exactly one wins", arguments: StoreKind.allCases)
    func concurrentConsumersOfOneStep(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertMFADevice(Fixture.device("phone"))
            let serial = self.serial
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await store.consumeMFAStep(accountId: Fixture.accountId, serialNumber: serial, step: 7)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }
}
