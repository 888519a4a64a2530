public import Foundation
public import LatchkeyDomain
import LatchkeyModel
public import LatchkeyTokens
import Synchronization

/// Checks TOTP codes against stored virtual MFA devices: a code is accepted once (the store records the last used
/// step), and a device that sees `maxFailures` wrong codes in a row refuses every code for `lockout`, so six digits
/// cannot be brute-forced. One instance is shared by STS and IAM. The failure count lives in memory on this node.
public final class MFAVerifier: Sendable {
    let store: any IdentityStore
    let secretBox: SecretBox
    let maxFailures: Int
    let lockout: TimeInterval
    private struct Failures {
        var count: Int
        var lockedUntil: Date?
    }
    private let failures = Mutex<[String: Failures]>([:])

    static let unableToValidate =
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."

    public init(store: any IdentityStore, secretBox: SecretBox, maxFailures: Int = 5, lockout: TimeInterval = 300) {
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

    /// Whether the device is locked out at `now`.
    func isLocked(_ device: MFADeviceRecord, now: Date) -> Bool {
        failures.withLock { entries in
            guard let lockedUntil = entries[Self.key(device)]?.lockedUntil else { return false }
            if now < lockedUntil { return true }
            entries[Self.key(device)] = nil
            return false
        }
    }

    /// Counts a wrong code; the `maxFailures`-th in a row locks the device.
    func recordFailure(_ device: MFADeviceRecord, now: Date) {
        failures.withLock { entries in
            if entries.count > 100_000 { entries.removeAll(keepingCapacity: true) }
            var entry = entries[Self.key(device)] ?? Failures(count: 0, lockedUntil: nil)
            entry.count += 1
            if entry.count >= maxFailures {
                entry = Failures(count: 0, lockedUntil: now.addingTimeInterval(lockout))
            }
            entries[Self.key(device)] = entry
        }
    }

    func recordSuccess(_ device: MFADeviceRecord) {
        _ = failures.withLock { $0.removeValue(forKey: Self.key(device)) }
    }

    private static func key(_ device: MFADeviceRecord) -> String { "\(device.accountId)|\(device.serialNumber)" }

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
        guard !isLocked(device, now: now) else { throw STSError(.accessDenied, Self.invalidCode) }
        guard let step = try totp(for: device).matchingStep(code: code, at: now, window: 1) else {
            recordFailure(device, now: now)
            throw STSError(.accessDenied, Self.invalidCode)
        }
        let fresh: Bool
        do {
            fresh = try await store.consumeMFAStep(accountId: accountId, serialNumber: serialNumber, step: step)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard fresh else {
            recordFailure(device, now: now)
            throw STSError(.accessDenied, Self.invalidCode)
        }
        recordSuccess(device)
    }
}
