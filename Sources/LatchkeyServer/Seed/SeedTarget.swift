public import Foundation
public import LatchkeyModel

/// An IAM error answered to a seed call: the AWS error code and IAM's message.
public struct SeedCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Where ``SeedApplier`` applies a seed: the IAM operations of one account, called as its root. Two implementations:
/// ``InProcessSeedTarget`` (the server at start, calling `IAMService`) and the HTTP one of `latchkey seed` (the IAM
/// API of a running server, through `STSClient`). The applier's logic is written once, over this protocol.
public protocol SeedTarget: Sendable {
    /// The account the calls act in.
    var accountId: String { get }

    /// Runs one IAM operation (validated as the endpoint validates it); an IAM error is thrown as ``SeedCallError``.
    func send<Input: OperationInput>(_ input: Input) async throws -> Input.Output

    /// Writes a user's access key whose ID and secret the file gives (the IAM API only generates keys). Returns
    /// false when this target cannot (the HTTP one).
    func putGivenAccessKey(userName: String, accessKeyId: String, secretAccessKey: String, now: Date) async throws
        -> Bool

    /// Creates a virtual MFA device with the seed the file gives (the IAM API only generates seeds). Returns false
    /// when this target cannot (the HTTP one).
    func putVirtualMFADevice(_ device: SeedPlan.MFADevice, seed: [UInt8], now: Date) async throws -> Bool
}
