import Foundation
import LatchkeyCore
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// A virtual MFA device as the test sees it: its serial number and a TOTP generator from the returned seed.
struct VirtualDevice {
    let serialNumber: String
    let totp: TOTP

    func code(step: Int64) -> String { totp.code(step: step) }

    /// A six-digit code that no step within `window` of `step` produces, so it is wrong for sure.
    func wrongCode(near step: Int64, window: Int64 = 3) -> String {
        let taken = Set(((step - window)...(step + window)).map { totp.code(step: $0) })
        var candidate = 0
        while taken.contains(String(format: "%06d", candidate)) { candidate += 1 }
        return String(format: "%06d", candidate)
    }
}

extension TestServer {
    /// CreateVirtualMFADevice as the root; decodes Base32StringSeed (base64 of the Base32 text) into the seed.
    func createVirtualMFADevice(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> VirtualDevice
    {
        let result = try await iam(
            "CreateVirtualMFADevice", ["VirtualMFADeviceName": name], sourceLocation: sourceLocation
        )
        .result("CreateVirtualMFADevice", sourceLocation: sourceLocation)
        let serial = try #require(result.text("VirtualMFADevice", "SerialNumber"), sourceLocation: sourceLocation)
        let wire = try #require(result.text("VirtualMFADevice", "Base32StringSeed"), sourceLocation: sourceLocation)
        let base32 = try #require(Data(base64Encoded: wire), sourceLocation: sourceLocation)
        let seed = try #require(Base32.decode(String(decoding: base32, as: UTF8.self)), sourceLocation: sourceLocation)
        #expect(seed.count == 20, sourceLocation: sourceLocation)
        return VirtualDevice(serialNumber: serial, totp: TOTP(secret: seed))
    }

    /// Enables `device` for `userName` with the codes of `step - 1` and `step` (two consecutive codes).
    func enable(
        _ device: VirtualDevice, for userName: String, atStep step: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws
    {
        try await iam(
            "EnableMFADevice",
            [
                "UserName": userName, "SerialNumber": device.serialNumber,
                "AuthenticationCode1": device.code(step: step - 1), "AuthenticationCode2": device.code(step: step),
            ],
            sourceLocation: sourceLocation
        ).expectSuccess("EnableMFADevice", sourceLocation: sourceLocation)
    }

    /// The TOTP step the server's clock is in.
    var step: Int64 { TOTP.step(at: now) }

    /// Moves the clock to the start of TOTP step `step` plus `offset` seconds.
    func moveClock(toStep step: Int64, offset: TimeInterval = 5) {
        clock.set(Date(timeIntervalSince1970: TimeInterval(step * TOTP.period) + offset))
    }
}

@Suite struct MFATests {
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."
    static let unableToValidate =
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."

    @Test("the virtual device's serial number is its MFA ARN and its seed is 160 bits of Base32")
    func createVirtualDevice() async throws {
        try await TestServer.run { server in
            let device = try await server.createVirtualMFADevice("bob-phone")
            #expect(device.serialNumber == "arn:aws:iam::111122223333:mfa/bob-phone")
            let again = try await server.iam("CreateVirtualMFADevice", ["VirtualMFADeviceName": "bob-phone"])
            try again.expectError("EntityAlreadyExists", status: 409)
        }
    }

    @Test("EnableMFADevice refuses codes that are not two consecutive current ones")
    func enableRefusesBadCodes() async throws {
        try await TestServer.run { server in
            try await server.createUser("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let step = server.step
            let attempts: [(String, String)] = [
                (device.code(step: step - 2), device.code(step: step)),  // not consecutive
                (device.code(step: step), device.code(step: step - 1)),  // reversed
                (device.wrongCode(near: step), device.code(step: step)),  // first wrong
                (device.code(step: step - 1), device.wrongCode(near: step)),  // second wrong
            ]
            for (code1, code2) in attempts {
                let reply = try await server.iam(
                    "EnableMFADevice",
                    [
                        "UserName": "bob", "SerialNumber": device.serialNumber, "AuthenticationCode1": code1,
                        "AuthenticationCode2": code2,
                    ])
                try reply.expectError(
                    "InvalidAuthenticationCode", status: 403, message: "Authentication code for device is not valid.")
            }
            let listed = try await server.iam("ListMFADevices", ["UserName": "bob"]).result("ListMFADevices")
            #expect(listed.members(of: "MFADevices").isEmpty)
        }
    }

    @Test("a user with an enabled device gets an MFA session with a current code, once, within one step either side")
    func sessionWithMFA() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let enabledAt = server.step
            try await server.enable(device, for: "bob", atStep: enabledAt)
            let listed = try await server.iam("ListMFADevices", ["UserName": "bob"]).result("ListMFADevices")
            #expect(listed.members(of: "MFADevices").map { $0.text("SerialNumber") } == [device.serialNumber])

            // The next step: its code works once.
            server.moveClock(toStep: enabledAt + 1)
            let code = device.code(step: enabledAt + 1)
            let session = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": code])
            #expect(
                try await server.callerIdentity(as: session.credentials).arn == "arn:aws:iam::111122223333:user/bob")
            // MFA lets the session reach IAM, where a user (without policies) is still denied.
            try await server.iam("ListUsers", as: session.credentials).expectError("AccessDenied", status: 403)
            let replay = try await server.sts(
                "GetSessionToken", ["SerialNumber": device.serialNumber, "TokenCode": code], as: bob)
            try replay.expectError("AccessDenied", status: 403, message: Self.invalidCode)

            // One step ahead of the server's clock is accepted.
            _ = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 2)])

            // One step behind is accepted (the clock moves on so that step has not been used yet).
            server.moveClock(toStep: enabledAt + 4)
            _ = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 3)])

            // Two steps either side are refused.
            server.moveClock(toStep: enabledAt + 10)
            for step in [enabledAt + 8, enabledAt + 12] {
                let reply = try await server.sts(
                    "GetSessionToken", ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step)],
                    as: bob)
                try reply.expectError("AccessDenied", status: 403, message: Self.invalidCode)
            }
            // ...and the current code still works afterwards: refused codes consume nothing.
            _ = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 10)])
        }
    }

    @Test("SerialNumber without TokenCode, or a device not enabled for the caller, is AccessDenied")
    func deviceMustBelongToTheCaller() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let carol = try await server.userWithKey("carol")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let unassigned = try await server.createVirtualMFADevice("spare")
            let step = server.step
            try await server.enable(device, for: "bob", atStep: step)
            server.moveClock(toStep: step + 1)

            let carolWithBobsDevice = try await server.sts(
                "GetSessionToken", ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step + 1)],
                as: carol)
            try carolWithBobsDevice.expectError("AccessDenied", status: 403, message: Self.unableToValidate)

            let bobWithSpare = try await server.sts(
                "GetSessionToken",
                ["SerialNumber": unassigned.serialNumber, "TokenCode": unassigned.code(step: step + 1)],
                as: bob)
            try bobWithSpare.expectError("AccessDenied", status: 403, message: Self.unableToValidate)

            let unknownDevice = try await server.sts(
                "GetSessionToken",
                ["SerialNumber": "arn:aws:iam::111122223333:mfa/nothing", "TokenCode": device.code(step: step + 1)],
                as: bob)
            try unknownDevice.expectError("AccessDenied", status: 403, message: Self.unableToValidate)

            let serialOnly = try await server.sts("GetSessionToken", ["SerialNumber": device.serialNumber], as: bob)
            try serialOnly.expectError("AccessDenied", status: 403)

            // Carol's failures did not use up Bob's code.
            _ = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step + 1)])
        }
    }

    @Test("a user with an enabled device cannot be deleted until the device is deactivated and deleted")
    func deleteUserWithDevice() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let step = server.step
            try await server.enable(device, for: "bob", atStep: step)
            try await server.iam("DeleteAccessKey", ["UserName": "bob", "AccessKeyId": bob.accessKeyID])
                .expectSuccess("DeleteAccessKey")

            let refused = try await server.iam("DeleteUser", ["UserName": "bob"])
            try refused.expectError(
                "DeleteConflict", status: 409, message: "Cannot delete entity, must delete MFA device first.")
            let inUse = try await server.iam("DeleteVirtualMFADevice", ["SerialNumber": device.serialNumber])
            try inUse.expectError("DeleteConflict", status: 409)

            try await server.iam("DeactivateMFADevice", ["UserName": "bob", "SerialNumber": device.serialNumber])
                .expectSuccess("DeactivateMFADevice")
            try await server.iam("DeleteVirtualMFADevice", ["SerialNumber": device.serialNumber])
                .expectSuccess("DeleteVirtualMFADevice")
            try await server.iam("DeleteUser", ["UserName": "bob"]).expectSuccess("DeleteUser")
            try await server.iam("GetUser", ["UserName": "bob"]).expectError("NoSuchEntity", status: 404)
            let devices = try await server.iam("ListVirtualMFADevices").result("ListVirtualMFADevices")
            #expect(devices.members(of: "VirtualMFADevices").isEmpty)
        }
    }

    @Test("a device enabled for one user cannot be enabled for another, and listings show who holds it")
    func deviceInUse() async throws {
        try await TestServer.run { server in
            try await server.createUser("bob")
            try await server.createUser("carol")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let spare = try await server.createVirtualMFADevice("spare")
            let step = server.step
            try await server.enable(device, for: "bob", atStep: step)
            server.moveClock(toStep: step + 2)
            let reply = try await server.iam(
                "EnableMFADevice",
                [
                    "UserName": "carol", "SerialNumber": device.serialNumber,
                    "AuthenticationCode1": device.code(step: step + 1),
                    "AuthenticationCode2": device.code(step: step + 2),
                ])
            try reply.expectError("EntityAlreadyExists", status: 409, message: "MFA Device is already in use.")

            let assigned = try await server.iam("ListVirtualMFADevices", ["AssignmentStatus": "Assigned"])
                .result("ListVirtualMFADevices").members(of: "VirtualMFADevices")
            #expect(assigned.map { $0.text("SerialNumber") } == [device.serialNumber])
            #expect(assigned.first?.text("User", "UserName") == "bob")
            #expect(assigned.first?.text("EnableDate") != nil)
            let unassigned = try await server.iam("ListVirtualMFADevices", ["AssignmentStatus": "Unassigned"])
                .result("ListVirtualMFADevices").members(of: "VirtualMFADevices")
            #expect(unassigned.map { $0.text("SerialNumber") } == [spare.serialNumber])
            #expect(unassigned.first?.child("User") == nil)
        }
    }
}
