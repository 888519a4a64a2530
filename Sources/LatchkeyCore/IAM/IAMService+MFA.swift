public import Foundation
import LatchkeyBase
public import LatchkeyModel
import LatchkeyQRCode
public import LatchkeyDomain
import LatchkeyTokens

extension IAMService {
    /// A virtual MFA device just created, with its seed (returned once).
    public struct NewVirtualMFADevice: Sendable {
        public var record: MFADeviceRecord
        /// The seed in Base32, as authenticator apps take it.
        public var base32Seed: String
        /// A PNG of the QR code of `otpauth://totp/NAME@ACCOUNT?secret=SEED`, AWS's enrolment format.
        public var qrCodePNG: [UInt8]
    }

    /// Which devices `ListVirtualMFADevices` returns.
    public enum AssignmentStatus: String, Sendable {
        case assigned = "Assigned"
        case unassigned = "Unassigned"
        case any = "Any"
    }

    func mfaArn(_ accountId: String, path: String, name: String) -> String {
        "arn:aws:iam::\(accountId):mfa\(path)\(name)"
    }

    func noSuchDevice(_ serial: String) -> STSError {
        STSError(.noSuchEntity, "MFA Device with serial number \(serial) does not exist.")
    }

    /// `CreateVirtualMFADevice`: a fresh 160-bit seed, sealed at rest.
    public func createVirtualMFADevice(caller: Caller, path: String?, name: String, tags: [ResourceTag], now: Date)
        async throws(STSError) -> NewVirtualMFADevice
    {
        let path = path ?? "/"
        let serial = mfaArn(caller.accountId, path: path, name: name)
        try await authorize(caller, action: "CreateVirtualMFADevice", resource: serial)
        // The serial number must fit the 256 characters every MFA operation accepts (AWS caps names at 226).
        guard name.utf16.count <= 226 else {
            throw STSError(
                .validationError,
                "1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to 226")
        }
        guard serial.utf16.count <= 256 else {
            throw STSError(.invalidInput, "The serial number \(serial) would be longer than 256 characters; use a shorter path or name.")
        }
        try Self.checkTagKeysUnique(tags)
        let seed = TOTP.generateSecret()
        let record = MFADeviceRecord(
            accountId: caller.accountId, serialNumber: serial, path: path, deviceName: name,
            sealedSeed: secretBox.seal(seed, context: "mfa-seed:\(serial)"), createDate: now.wholeSeconds, tags: tags
        )
        try await storeCall({ try await store.insertMFADevice(record) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "MFA device already exists.") : nil
        }
        let base32Seed = Base32.encode(seed)
        let uri = "otpauth://totp/\(Self.otpauthLabel(name))@\(caller.accountId)?secret=\(base32Seed)"
        let png: [UInt8]
        do {
            png = try QRCode.encode(uri, errorCorrection: .medium).png(scale: 4, border: 4)
        } catch {
            // A 226-character name always fits (QR holds 2953 bytes); keep going without an image rather than fail.
            png = []
        }
        return NewVirtualMFADevice(record: record, base32Seed: base32Seed, qrCodePNG: png)
    }

    /// The device name percent-encoded for an otpauth label (RFC 3986 unreserved characters stay as they are).
    static func otpauthLabel(_ name: String) -> String {
        PercentEncoding.encode(name)
    }

    /// `EnableMFADevice`: two consecutive codes, the second current (or one step either side).
    public func enableMFADevice(
        caller: Caller, userName: String, serialNumber: String, code1: String, code2: String, now: Date
    ) async throws(STSError) {
        try await authorize(caller, action: "EnableMFADevice", resource: userArn(caller.accountId, userName))
        let user = try await requireUser(caller.accountId, userName)
        guard let device = try await storeCall({ try await store.mfaDevice(accountId: caller.accountId, serialNumber: serialNumber) })
        else { throw noSuchDevice(serialNumber) }
        if device.userName != nil {
            throw STSError(.entityAlreadyExists, "MFA Device is already in use.")
        }
        guard !mfa.isLocked(device, now: now) else {
            throw STSError(.invalidAuthenticationCode, "Authentication code for device is not valid.")
        }
        let totp = try mfa.totp(for: device)
        let current = Int64((now.timeIntervalSince1970 / 30).rounded(.down))
        var matched: Int64?
        for first in (current - 2)...current where matched == nil {
            // Compare both codes in full for every candidate so timing does not tell which one failed.
            let ok1 = ConstantTime.equals(totp.code(step: first), code1)
            let ok2 = ConstantTime.equals(totp.code(step: first + 1), code2)
            if ok1 && ok2 { matched = first + 1 }
        }
        guard let lastStep = matched else {
            mfa.recordFailure(device, now: now)
            throw STSError(.invalidAuthenticationCode, "Authentication code for device is not valid.")
        }
        mfa.recordSuccess(device)
        try await storeCall({
            try await store.enableMFADevice(
                accountId: caller.accountId, serialNumber: device.serialNumber, userName: user.userName,
                enableDate: now.wholeSeconds, lastUsedStep: lastStep)
        }) { error in
            switch error.code {
            case .conflict: return STSError(.entityAlreadyExists, "MFA Device is already in use.")
            case .notFound: return noSuchDevice(serialNumber)
            default: return nil
            }
        }
    }

    /// `DeactivateMFADevice`: the device must be enabled for the named user.
    public func deactivateMFADevice(caller: Caller, userName: String?, serialNumber: String) async throws(STSError) {
        try await authorize(caller, action: "DeactivateMFADevice", resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        guard let device = try await storeCall({ try await store.mfaDevice(accountId: caller.accountId, serialNumber: serialNumber) }),
            let enabledFor = device.userName, enabledFor.lowercased() == owner?.lowercased()
        else { throw noSuchDevice(serialNumber) }
        try await storeCall({ try await store.deactivateMFADevice(accountId: caller.accountId, serialNumber: serialNumber) }) {
            error in error.code == .notFound ? noSuchDevice(serialNumber) : nil
        }
    }

    /// `ListMFADevices`: the devices enabled for a user (the caller when omitted).
    public func listMFADevices(caller: Caller, userName: String?, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<MFADeviceRecord>
    {
        try await authorize(caller, action: "ListMFADevices", resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        let all = try await storeCall({ try await store.mfaDevices(accountId: caller.accountId) })
        let mine = all.filter { device in
            guard let enabledFor = device.userName, let owner else { return false }
            return enabledFor.lowercased() == owner.lowercased()
        }
        return try page(mine, listing: "ListMFADevices", key: { $0.serialNumber }, marker: marker, maxItems: maxItems)
    }

    /// `ListVirtualMFADevices`.
    public func listVirtualMFADevices(
        caller: Caller, assignmentStatus: AssignmentStatus, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<MFADeviceRecord> {
        try await authorize(caller, action: "ListVirtualMFADevices", resource: "arn:aws:iam::\(caller.accountId):mfa/")
        let all = try await storeCall({ try await store.mfaDevices(accountId: caller.accountId) })
        let selected = all.filter { device in
            switch assignmentStatus {
            case .any: return true
            case .assigned: return device.userName != nil
            case .unassigned: return device.userName == nil
            }
        }
        return try page(selected, listing: "ListVirtualMFADevices", key: { $0.serialNumber }, marker: marker, maxItems: maxItems)
    }

    /// `DeleteVirtualMFADevice`: refused while the device is enabled.
    public func deleteVirtualMFADevice(caller: Caller, serialNumber: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteVirtualMFADevice", resource: serialNumber)
        try await storeCall({ try await store.deleteMFADevice(accountId: caller.accountId, serialNumber: serialNumber) }) {
            error in
            switch error.code {
            case .notFound: return noSuchDevice(serialNumber)
            case .conflict: return STSError(.deleteConflict, "MFA Device is still in use.")
            default: return nil
            }
        }
    }
}
