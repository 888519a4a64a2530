public import Foundation
public import LatchkeyDomain
import LatchkeyModel
public import LatchkeyTokens

/// Checks TOTP codes against stored virtual MFA devices: a code is accepted once (the store records the last used
/// step), and a device that sees `maxFailures` wrong codes in a row refuses every code for `lockout`, so six digits
/// cannot be brute-forced. One instance is shared by STS and IAM. The failure count and the lockout live in the
/// store (`ClusterStore.recordMFAFailure`), so wrong codes sent to different nodes add up to one lockout; a store
/// that cannot answer refuses the code with `ServiceUnavailable`, never accepts it.
public final class MFAVerifier: Sendable {
    let store: any IdentityStore & ClusterStore
    let secretBox: SecretBox
    let maxFailures: Int
    let lockout: TimeInterval

    static let unableToValidate =
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."

    public init(
        store: any IdentityStore & ClusterStore, secretBox: SecretBox, maxFailures: Int = 5, lockout: TimeInterval = 300
    ) {
        self.store = store
        self.secretBox = secretBox
        self.maxFailures = maxFailures
        self.lockout = lockout
    }

    /// The TOTP generator of a stored device.
    func totp(for device: MFADeviceRecord) throws(STSError) -> TOTP {
        do {
            let seed = try secretBox.open(device.sealedSeed, context: "mfa-seed:\(device.serialNumber)")
            return TOTP(secret: seed)
        } catch {
            throw STSError(.internalFailure, "An internal error occurred.", cause: error)
        }
    }

    /// The device's recorded failures and lockout, nil when it has none.
    func failures(_ device: MFADeviceRecord) async throws(STSError) -> MFAFailureState? {
        do {
            return try await store.mfaFailures(accountId: device.accountId, serialNumber: device.serialNumber)
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// Whether the device is locked out at `now`.
    func isLocked(_ device: MFADeviceRecord, now: Date) async throws(STSError) -> Bool {
        Self.isLocked(try await failures(device), now: now)
    }

    static func isLocked(_ state: MFAFailureState?, now: Date) -> Bool {
        guard let lockedUntil = state?.lockedUntil else { return false }
        return now < lockedUntil
    }

    /// Counts a wrong code; the `maxFailures`-th in a row locks the device (counted atomically in the store).
    func recordFailure(_ device: MFADeviceRecord, now: Date) async throws(STSError) {
        do {
            try await store.recordMFAFailure(
                accountId: device.accountId, serialNumber: device.serialNumber, maxFailures: maxFailures,
                lockUntil: now.addingTimeInterval(lockout))
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// Forgets the device's failures after a good code.
    func recordSuccess(_ device: MFADeviceRecord) async throws(STSError) {
        do {
            try await store.clearMFAFailures(accountId: device.accountId, serialNumber: device.serialNumber)
        } catch {
            throw Self.unavailable(error)
        }
    }

    static func unavailable(_ error: any Error) -> STSError {
        STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
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
        let failures = try await failures(device)
        guard !Self.isLocked(failures, now: now) else { throw STSError(.accessDenied, Self.invalidCode) }
        guard let step = try totp(for: device).matchingStep(code: code, at: now, window: 1) else {
            try await recordFailure(device, now: now)
            throw STSError(.accessDenied, Self.invalidCode)
        }
        let fresh: Bool
        do {
            fresh = try await store.consumeMFAStep(accountId: accountId, serialNumber: serialNumber, step: step)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard fresh else {
            try await recordFailure(device, now: now)
            throw STSError(.accessDenied, Self.invalidCode)
        }
        // A write only when there is something to forget (most good codes follow no failure).
        if failures != nil { try await recordSuccess(device) }
    }
}
