import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// The virtual MFA device rules of `IAMService+MFA.swift` (and the lockout of `MFAVerifier.swift`), without HTTP.
@Suite struct IAMServiceMFATests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    static let invalidCode = "Authentication code for device is not valid."

    func enableInput(_ serial: String, _ code1: String, _ code2: String, user: String = "alice") -> EnableMFADeviceInput
    {
        EnableMFADeviceInput(
            userName: user, serialNumber: serial, authenticationCode1: code1, authenticationCode2: code2)
    }

    @Test("CreateVirtualMFADevice answers the serial, the Base32 seed (160 bits) and a QR code PNG, once")
    func createDevice() async throws {
        let f = try await ServiceFixture.make()
        let input = CreateVirtualMFADeviceInput(
            virtualMFADeviceName: "phone", path: "/eng/", tags: [IAM.Tag(key: "team", value: "core")])
        let device = try #require(
            try await f.iam.createVirtualMFADevice(input, caller: f.root, now: f.clock.now).virtualMFADevice)
        #expect(device.serialNumber == U.mfaArn(f, "phone", path: "/eng/"))
        let base32 = try #require(device.base32StringSeed.flatMap { String(data: $0, encoding: .utf8) })
        #expect(base32.count == 32)
        #expect(Base32.decode(base32)?.count == 20)
        let png = try #require(device.qrCodePNG)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(device.tags == [IAM.Tag(key: "team", value: "core")])
        #expect(device.user == nil && device.enableDate == nil)
        #expect(!device.description.contains(base32))

        let listed = try await f.iam.listVirtualMFADevices(ListVirtualMFADevicesInput(), caller: f.root)
        let entry = try #require(listed.virtualMFADevices?.first)
        #expect(entry == IAM.VirtualMFADevice(serialNumber: device.serialNumber))
    }

    @Test("a second device with the same name is EntityAlreadyExists; over-long names and serial numbers are refused")
    func createErrors() async throws {
        let f = try await ServiceFixture.make()
        _ = try await U.createDevice(f, "phone")
        await K.expectError(.entityAlreadyExists, "MFA device already exists.") { try await U.createDevice(f, "phone") }
        await K.expectError(
            .validationError,
            "1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to 226"
        ) {
            try await U.createDevice(f, String(repeating: "n", count: 227))
        }
        let path = "/" + String(repeating: "p", count: 200) + "/"
        let serial = U.mfaArn(f, String(repeating: "n", count: 30), path: path)
        await K.expectError(
            .invalidInput,
            "The serial number \(serial) would be longer than 256 characters; use a shorter path or name."
        ) {
            try await U.createDevice(f, String(repeating: "n", count: 30), path: path)
        }
    }

    @Test("EnableMFADevice takes two consecutive codes; the device is then listed for its user")
    func enable() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let (device, totp) = try await U.createDevice(f, "phone")
        f.clock.advance(by: 45)
        let now = U.step(f.clock.now)
        // Codes out of order, or not consecutive, are refused.
        await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
            try await f.iam.enableMFADevice(
                enableInput(device.serialNumber, totp.code(step: now), totp.code(step: now - 1)), caller: f.root,
                now: f.clock.now)
        }
        await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
            try await f.iam.enableMFADevice(
                enableInput(device.serialNumber, totp.code(step: now - 2), totp.code(step: now)), caller: f.root,
                now: f.clock.now)
        }
        _ = try await f.iam.enableMFADevice(
            enableInput(device.serialNumber, totp.code(step: now - 1), totp.code(step: now)), caller: f.root,
            now: f.clock.now)

        let mine = try await f.iam.listMFADevices(ListMFADevicesInput(userName: "alice"), caller: f.root)
        #expect(
            mine.mfaDevices
                == [IAM.MFADevice(serialNumber: device.serialNumber, userName: "alice", enableDate: f.clock.now)])
        let assigned = try await f.iam.listVirtualMFADevices(
            ListVirtualMFADevicesInput(assignmentStatus: "Assigned"), caller: f.root)
        let entry = try #require(assigned.virtualMFADevices?.first)
        #expect(entry.user?.userName == "alice")
        #expect(entry.user?.tags == nil)
        #expect(entry.enableDate == f.clock.now)
        let unassigned = try await f.iam.listVirtualMFADevices(
            ListVirtualMFADevicesInput(assignmentStatus: "Unassigned"), caller: f.root)
        #expect(unassigned.virtualMFADevices == [])
    }

    @Test("a device in use cannot be enabled again; an unknown device or user is NoSuchEntity")
    func enableErrors() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        try await U.createUser(f, "bob")
        let (device, totp) = try await U.createDevice(f, "phone")
        try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
        f.clock.advance(by: 60)
        await K.expectError(.entityAlreadyExists, "MFA Device is already in use.") {
            try await U.enable(f, device.serialNumber, totp: totp, for: "bob")
        }
        let ghost = U.mfaArn(f, "ghost")
        await K.expectError(.noSuchEntity, "MFA Device with serial number \(ghost) does not exist.") {
            try await f.iam.enableMFADevice(enableInput(ghost, "123456", "654321"), caller: f.root, now: f.clock.now)
        }
        await K.expectError(.noSuchEntity, "The user with name carol cannot be found.") {
            try await U.enable(f, device.serialNumber, totp: totp, for: "carol")
        }
    }

    @Test("five wrong codes lock the device: even right codes are refused until the lockout ends")
    func lockout() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let (device, totp) = try await U.createDevice(f, "phone")
        for _ in 0..<5 {
            await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
                try await f.iam.enableMFADevice(
                    enableInput(device.serialNumber, "000000", "000000"), caller: f.root, now: f.clock.now)
            }
        }
        await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
            try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
        }
        f.clock.advance(by: 299)
        await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
            try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
        }
        f.clock.advance(by: 1)
        try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
    }

    @Test("four wrong codes do not lock a device, and a right code resets the count")
    func noLockoutBelowTheLimit() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let (device, totp) = try await U.createDevice(f, "phone")
        for _ in 0..<4 {
            await K.expectError(.invalidAuthenticationCode, Self.invalidCode) {
                try await f.iam.enableMFADevice(
                    enableInput(device.serialNumber, "000000", "000000"), caller: f.root, now: f.clock.now)
            }
        }
        try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
    }

    @Test("the step EnableMFADevice used cannot sign in again (GetSessionToken), the next one can")
    func enableConsumesTheStep() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        let (device, totp) = try await U.createDevice(f, "phone")
        try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
        let current = totp.code(step: U.step(f.clock.now))
        await K.expectError(.accessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.") {
            try await f.sts.getSessionToken(
                GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: current), caller: alice,
                now: f.clock.now)
        }
        f.clock.advance(by: 30)
        let next = totp.code(step: U.step(f.clock.now))
        let session = try await f.sts.getSessionToken(
            GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: next), caller: alice, now: f.clock.now)
        #expect(session.credentials != nil)
    }

    @Test("DeactivateMFADevice needs the device's user; DeleteVirtualMFADevice is refused until it is deactivated")
    func deactivateAndDelete() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        try await U.createUser(f, "bob")
        let (device, totp) = try await U.createDevice(f, "phone")
        let serial = device.serialNumber
        try await U.enable(f, serial, totp: totp, for: "alice")
        let notFound = "MFA Device with serial number \(serial) does not exist."
        await K.expectError(.noSuchEntity, notFound) {
            try await f.iam.deactivateMFADevice(
                DeactivateMFADeviceInput(serialNumber: serial, userName: "bob"), caller: f.root)
        }
        await K.expectError(.deleteConflict, "MFA Device is still in use.") {
            try await f.iam.deleteVirtualMFADevice(DeleteVirtualMFADeviceInput(serialNumber: serial), caller: f.root)
        }
        _ = try await f.iam.deactivateMFADevice(
            DeactivateMFADeviceInput(serialNumber: serial, userName: "alice"), caller: f.root)
        #expect(try await f.iam.listMFADevices(ListMFADevicesInput(userName: "alice"), caller: f.root).mfaDevices == [])
        await K.expectError(.noSuchEntity, notFound) {
            try await f.iam.deactivateMFADevice(
                DeactivateMFADeviceInput(serialNumber: serial, userName: "alice"), caller: f.root)
        }
        _ = try await f.iam.deleteVirtualMFADevice(DeleteVirtualMFADeviceInput(serialNumber: serial), caller: f.root)
        await K.expectError(.noSuchEntity, notFound) {
            try await f.iam.deleteVirtualMFADevice(DeleteVirtualMFADeviceInput(serialNumber: serial), caller: f.root)
        }
    }

    @Test("ListVirtualMFADevices pages by serial number and names a device's user only to a caller who may GetUser it")
    func listVirtualDevices() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "bob")
        let alice = try await f.user(named: "alice")
        let (device, totp) = try await U.createDevice(f, "b-phone")
        try await U.enable(f, device.serialNumber, totp: totp, for: "bob")
        _ = try await U.createDevice(f, "a-phone")

        let (serials, pages) = try await U.allPages { marker, maxItems in
            let page = try await f.iam.listVirtualMFADevices(
                ListVirtualMFADevicesInput(marker: marker, maxItems: maxItems), caller: f.root)
            return (page.virtualMFADevices?.map(\.serialNumber) ?? [], page.isTruncated, page.marker)
        }
        #expect(serials == [U.mfaArn(f, "a-phone"), U.mfaArn(f, "b-phone")])
        #expect(pages == 2)

        await U.expectDenied(alice, "iam:ListVirtualMFADevices", on: "arn:aws:iam::\(f.accountId):mfa/") {
            try await f.iam.listVirtualMFADevices(ListVirtualMFADevicesInput(), caller: alice)
        }
        try await K.grant(f, user: "alice", K.allow("iam:ListVirtualMFADevices"))
        let listed = try await f.iam.listVirtualMFADevices(
            ListVirtualMFADevicesInput(assignmentStatus: "Assigned"), caller: alice)
        #expect(listed.virtualMFADevices?.map(\.serialNumber) == [device.serialNumber])
        #expect(listed.virtualMFADevices?.first?.user == nil)
        #expect(listed.virtualMFADevices?.first?.enableDate == f.clock.now)
    }

    @Test("a user without a policy may not create or enable devices; allowed on its own ARN it enables its own")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:CreateVirtualMFADevice", on: U.mfaArn(f, "mine")) {
            try await f.iam.createVirtualMFADevice(
                CreateVirtualMFADeviceInput(virtualMFADeviceName: "mine"), caller: alice, now: f.clock.now)
        }
        let (device, totp) = try await U.createDevice(f, "phone")
        let now = U.step(f.clock.now)
        let input = enableInput(device.serialNumber, totp.code(step: now - 1), totp.code(step: now))
        await U.expectDenied(alice, "iam:EnableMFADevice", on: K.userArn(f, "alice")) {
            try await f.iam.enableMFADevice(input, caller: alice, now: f.clock.now)
        }
        try await K.grant(f, user: "alice", K.allow("iam:*MFADevice*", resource: K.userArn(f, "alice")))
        _ = try await f.iam.enableMFADevice(input, caller: alice, now: f.clock.now)
        let mine = try await f.iam.listMFADevices(ListMFADevicesInput(), caller: alice)
        #expect(mine.mfaDevices?.map(\.serialNumber) == [device.serialNumber])
    }
}
