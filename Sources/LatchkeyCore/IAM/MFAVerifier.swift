public import Foundation
public import LatchkeyModel

/// Checks TOTP codes against stored virtual MFA devices, refusing a code that was already accepted.
struct MFAVerifier: Sendable {
    let store: any IdentityStore
    let secretBox: SecretBox

    static let unableToValidate =
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."

    /// The TOTP generator of a stored device.
    func totp(for device: MFADeviceRecord) throws(STSError) -> TOTP {
        do {
            let seed = try secretBox.open(device.sealedSeed, context: "mfa-seed:\(device.serialNumber)")
            return TOTP(secret: seed)
        } catch {
            throw STSError(.internalFailure, "An internal error occurred.", cause: error)
        }
    }

    /// Verifies a code for GetSessionToken (and later AssumeRole): the device must be enabled for `userName`
    /// (nil = the root, which cannot hold a virtual device through this API yet), the code must match now ±1 step,
    /// and that step must not have been used before.
    func verifySessionCode(accountId: String, userName: String?, serialNumber: String, code: String, now: Date)
        async throws(STSError)
    {
        let device: MFADeviceRecord?
        do {
            device = try await store.mfaDevice(accountId: accountId, serialNumber: serialNumber)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard let device, let owner = device.userName, let userName,
            owner.lowercased() == userName.lowercased()
        else {
            throw STSError(.accessDenied, Self.unableToValidate)
        }
        guard let step = try totp(for: device).matchingStep(code: code, at: now, window: 1) else {
            throw STSError(.accessDenied, Self.invalidCode)
        }
        let fresh: Bool
        do {
            fresh = try await store.consumeMFAStep(accountId: accountId, serialNumber: serialNumber, step: step)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard fresh else { throw STSError(.accessDenied, Self.invalidCode) }
    }
}
