import LatchkeyClient
import Synchronization

/// Hands out the same credentials every time and counts how often it was asked (once per signed attempt).
final class FixedCredentialProvider: AWSCredentialProvider {
    let fixed: AWSCredentials
    private let calls = Mutex(0)

    init(_ credentials: AWSCredentials) {
        fixed = credentials
    }

    convenience init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.init(
            AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken))
    }

    var callCount: Int { calls.withLock { $0 } }

    func credentials() async throws -> AWSCredentials {
        calls.withLock { $0 += 1 }
        return fixed
    }
}

/// Records the delays a client asked to sleep, without sleeping.
final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])

    var delays: [Duration] { recorded.withLock { $0 } }

    /// A retry policy that sleeps through this recorder, with a fixed jitter factor.
    func policy(maxAttempts: Int = 3, jitter: Double = 0.5) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .milliseconds(100), maxDelay: .seconds(20), random: { jitter },
            sleep: { [self] delay in self.recorded.withLock { $0.append(delay) } })
    }
}
