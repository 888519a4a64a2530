public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyQRCode
import LatchkeyTokens

extension IAMService {
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

    /// `CreateVirtualMFADevice`: a fresh 160-bit seed, sealed at rest, returned this once in Base32 (as authenticator
    /// apps take it) and as the PNG of the QR code of `otpauth://totp/NAME@ACCOUNT?secret=SEED`, AWS's enrolment
    /// format.
    public func createVirtualMFADevice(_ input: CreateVirtualMFADeviceInput, caller: Caller, now: Date)
        async throws(STSError) -> CreateVirtualMFADeviceOutput
    {
        let name = input.virtualMFADeviceName
        let path = input.path ?? "/"
        let tags = (input.tags ?? []).map(ResourceTag.init)
        let serial = mfaArn(caller.accountId, path: path, name: name)
        try await authorize(caller, CreateVirtualMFADeviceInput.operation, resource: serial)
        // The serial number must fit the 256 characters every MFA operation accepts (AWS caps names at 226).
        guard name.utf16.count <= 226 else {
            throw STSError(
                .validationError,
                "1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to 226"
            )
        }
        guard serial.utf16.count <= 256 else {
            throw STSError(
                .invalidInput,
                "The serial number \(serial) would be longer than 256 characters; use a shorter path or name.")
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
        return CreateVirtualMFADeviceOutput(
            virtualMFADevice: IAM.VirtualMFADevice(
                serialNumber: record.serialNumber,
                // Base32StringSeed is a blob: the Base32 text (base64-encoded on the wire).
                base32StringSeed: Data(base32Seed.utf8), qrCodePNG: png.isEmpty ? nil : Data(png),
                tags: record.tags.isEmpty ? nil : record.tags.map(IAM.Tag.init)))
    }

    /// The device name percent-encoded for an otpauth label (RFC 3986 unreserved characters stay as they are).
    static func otpauthLabel(_ name: String) -> String {
        PercentEncoding.encode(name)
    }

    /// `EnableMFADevice`: two consecutive codes, the second current (or one step either side).
    public func enableMFADevice(_ input: EnableMFADeviceInput, caller: Caller, now: Date) async throws(STSError)
        -> EnableMFADeviceOutput
    {
        let (userName, serialNumber) = (input.userName, input.serialNumber)
        let (code1, code2) = (input.authenticationCode1, input.authenticationCode2)
        try await authorize(caller, EnableMFADeviceInput.operation, resource: userArn(caller.accountId, userName))
        let user = try await requireUser(caller.accountId, userName)
        guard
            let device = try await storeCall({
                try await store.mfaDevice(accountId: caller.accountId, serialNumber: serialNumber)
            })
        else { throw noSuchDevice(serialNumber) }
        if device.userName != nil {
            throw STSError(.entityAlreadyExists, "MFA Device is already in use.")
        }
        guard try await !mfa.isLocked(device, now: now) else {
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
            try await mfa.recordFailure(device, now: now)
            throw STSError(.invalidAuthenticationCode, "Authentication code for device is not valid.")
        }
        try await mfa.recordSuccess(device)
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
        return EnableMFADeviceOutput()
    }

    /// `DeactivateMFADevice`: the device must be enabled for the named user (the caller when omitted).
    public func deactivateMFADevice(_ input: DeactivateMFADeviceInput, caller: Caller) async throws(STSError)
        -> DeactivateMFADeviceOutput
    {
        let (userName, serialNumber) = (input.userName, input.serialNumber)
        try await authorize(caller, DeactivateMFADeviceInput.operation, resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        guard
            let device = try await storeCall({
                try await store.mfaDevice(accountId: caller.accountId, serialNumber: serialNumber)
            }),
            let enabledFor = device.userName, enabledFor.lowercased() == owner?.lowercased()
        else { throw noSuchDevice(serialNumber) }
        try await storeCall({
            try await store.deactivateMFADevice(accountId: caller.accountId, serialNumber: serialNumber)
        }) {
            error in error.code == .notFound ? noSuchDevice(serialNumber) : nil
        }
        return DeactivateMFADeviceOutput()
    }

    /// `ListMFADevices`: the devices enabled for a user (the caller when omitted).
    public func listMFADevices(_ input: ListMFADevicesInput, caller: Caller) async throws(STSError)
        -> ListMFADevicesOutput
    {
        let userName = input.userName
        try await authorize(caller, ListMFADevicesInput.operation, resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        let all = try await storeCall({ try await store.mfaDevices(accountId: caller.accountId) })
        let mine = all.filter { device in
            guard let enabledFor = device.userName, let owner else { return false }
            return enabledFor.lowercased() == owner.lowercased()
        }
        let page = try page(
            mine, listing: "ListMFADevices", key: { $0.serialNumber }, marker: input.marker, maxItems: input.maxItems)
        return ListMFADevicesOutput(
            mfaDevices: page.items.map(\.wire), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `ListVirtualMFADevices`: each device with the user it is enabled for, when the caller may `iam:GetUser` that
    /// user (without the user otherwise).
    public func listVirtualMFADevices(_ input: ListVirtualMFADevicesInput, caller: Caller) async throws(STSError)
        -> ListVirtualMFADevicesOutput
    {
        let assignmentStatus = input.assignmentStatus.flatMap(AssignmentStatus.init(rawValue:)) ?? .any
        try await authorize(
            caller, ListVirtualMFADevicesInput.operation, resource: "arn:aws:iam::\(caller.accountId):mfa/")
        let all = try await storeCall({ try await store.mfaDevices(accountId: caller.accountId) })
        let selected = all.filter { device in
            switch assignmentStatus {
            case .any: return true
            case .assigned: return device.userName != nil
            case .unassigned: return device.userName == nil
            }
        }
        let page = try page(
            selected, listing: "ListVirtualMFADevices", key: { $0.serialNumber }, marker: input.marker,
            maxItems: input.maxItems)
        var devices: [IAM.VirtualMFADevice] = []
        for device in page.items {
            var user: IAM.User?
            if let name = device.userName, let owner = try? await authorizedUser(caller, name) {
                user = owner.wire(.listing)
            }
            devices.append(
                IAM.VirtualMFADevice(serialNumber: device.serialNumber, user: user, enableDate: device.enableDate))
        }
        return ListVirtualMFADevicesOutput(
            virtualMFADevices: devices, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `DeleteVirtualMFADevice`: refused while the device is enabled.
    public func deleteVirtualMFADevice(_ input: DeleteVirtualMFADeviceInput, caller: Caller) async throws(STSError)
        -> DeleteVirtualMFADeviceOutput
    {
        let serialNumber = input.serialNumber
        try await authorize(caller, DeleteVirtualMFADeviceInput.operation, resource: serialNumber)
        try await storeCall({ try await store.deleteMFADevice(accountId: caller.accountId, serialNumber: serialNumber) }
        ) {
            error in
            switch error.code {
            case .notFound: return noSuchDevice(serialNumber)
            case .conflict: return STSError(.deleteConflict, "MFA Device is still in use.")
            default: return nil
            }
        }
        return DeleteVirtualMFADeviceOutput()
    }
}
