import Foundation
import LatchkeyCore
import Testing

@Suite struct MFALockoutTests {
    @Test("five wrong session codes in a row lock the device for five minutes, even against the right code")
    func sessionCodeLockout() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let enabledAt = server.step
            try await server.enable(device, for: "bob", atStep: enabledAt)
            server.moveClock(toStep: enabledAt + 1)
            for _ in 0..<5 {
                let reply = try await server.sts(
                    "GetSessionToken",
                    ["SerialNumber": device.serialNumber, "TokenCode": device.wrongCode(near: enabledAt + 1)], as: bob)
                try reply.expectError("AccessDenied", status: 403, message: MFATests.invalidCode)
            }
            let locked = try await server.sts(
                "GetSessionToken",
                ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 1)], as: bob)
            try locked.expectError("AccessDenied", status: 403, message: MFATests.invalidCode)

            server.moveClock(toStep: enabledAt + 12)
            _ = try await server.sessionToken(
                as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 12)])
        }
    }

    @Test("four wrong session codes do not lock the device, and a right code resets the count")
    func fewerFailuresDoNotLock() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let enabledAt = server.step
            try await server.enable(device, for: "bob", atStep: enabledAt)
            for round in 1...2 {
                let step = enabledAt + Int64(round)
                server.moveClock(toStep: step)
                for _ in 0..<4 {
                    let reply = try await server.sts(
                        "GetSessionToken",
                        ["SerialNumber": device.serialNumber, "TokenCode": device.wrongCode(near: step)],
                        as: bob)
                    try reply.expectError("AccessDenied", status: 403)
                }
                _ = try await server.sessionToken(
                    as: bob, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step)])
            }
        }
    }

    @Test("five wrong EnableMFADevice attempts lock the device for five minutes")
    func enableLockout() async throws {
        try await TestServer.run { server in
            try await server.createUser("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let step = server.step
            for _ in 0..<5 {
                let reply = try await server.iam(
                    "EnableMFADevice",
                    [
                        "UserName": "bob", "SerialNumber": device.serialNumber,
                        "AuthenticationCode1": device.wrongCode(near: step),
                        "AuthenticationCode2": device.code(step: step),
                    ])
                try reply.expectError("InvalidAuthenticationCode", status: 403)
            }
            let locked = try await server.iam(
                "EnableMFADevice",
                [
                    "UserName": "bob", "SerialNumber": device.serialNumber,
                    "AuthenticationCode1": device.code(step: step - 1), "AuthenticationCode2": device.code(step: step),
                ])
            try locked.expectError("InvalidAuthenticationCode", status: 403)

            server.moveClock(toStep: step + 11)
            try await server.iam(
                "EnableMFADevice",
                [
                    "UserName": "bob", "SerialNumber": device.serialNumber,
                    "AuthenticationCode1": device.code(step: step + 10),
                    "AuthenticationCode2": device.code(step: step + 11),
                ]
            ).expectSuccess("EnableMFADevice")
        }
    }
}
