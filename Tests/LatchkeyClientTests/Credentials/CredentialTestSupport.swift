import Foundation
import LatchkeyClient
import LatchkeyTestSupport
import Synchronization
import Testing

/// Paths and environments for the profile fixtures.
enum ProfileFixtures {
    /// The folder holding `Fixtures/Profiles/*`.
    static func directory() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/Profiles", withExtension: nil))
        return url.path
    }

    /// An environment whose shared files are the named fixtures (a missing file for `nil`) and whose `HOME`
    /// is the fixture folder.
    static func environment(
        config: String? = nil, credentials: String? = nil, extra: [String: String] = [:]
    ) throws -> [String: String] {
        let folder = try directory()
        var environment = [
            "HOME": folder,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "AWS_CONFIG_FILE": config.map { "\(folder)/\($0)" } ?? "\(folder)/no-such-config",
            "AWS_SHARED_CREDENTIALS_FILE": credentials.map { "\(folder)/\($0)" }
                ?? "\(folder)/no-such-credentials",
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }
}

extension TestClock {
    /// The clock as the credential providers' `now:` closure (the name these tests have always used).
    var function: @Sendable () -> Date { closure }
}

/// STS calls that record what they were asked and answer with made-up credentials.
///
/// Each answer's access key is `ASIA` + the last path element of the role ARN (or `SESSION`), so a test can
/// see which credentials signed the next hop; `signers` records the access key of the source credentials.
final class RecordingSTS: Sendable {
    struct Call: Sendable, Hashable {
        var operation: String
        var roleArn: String?
        var signer: String?
        var target: STSTarget
    }

    private let state = Mutex<
        (
            calls: [Call], assumeRole: [AssumeRoleRequest],
            webIdentity: [AssumeRoleWithWebIdentityRequest], sessionToken: [GetSessionTokenRequest]
        )
    >(([], [], [], []))
    let lifetime: TimeInterval
    let clock: TestClock

    init(clock: TestClock, lifetime: TimeInterval = 3600) {
        self.clock = clock
        self.lifetime = lifetime
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var assumeRoleRequests: [AssumeRoleRequest] { state.withLock { $0.assumeRole } }
    var webIdentityRequests: [AssumeRoleWithWebIdentityRequest] { state.withLock { $0.webIdentity } }
    var sessionTokenRequests: [GetSessionTokenRequest] { state.withLock { $0.sessionToken } }

    private func answer(_ name: String) -> Credentials {
        Credentials(
            accessKeyId: "ASIA\(name.uppercased())", secretAccessKey: "secret-\(name)",
            sessionToken: "token-\(name)",
            expiration: clock.now.addingTimeInterval(lifetime))
    }

    var stsCalls: STSCredentialCalls {
        STSCredentialCalls(
            assumeRole: { request, source, target in
                let signer = try await source.credentials().accessKeyId
                self.state.withLock {
                    $0.calls.append(
                        Call(operation: "AssumeRole", roleArn: request.roleArn, signer: signer, target: target))
                    $0.assumeRole.append(request)
                }
                let name = request.roleArn.split(separator: "/").last.map(String.init) ?? "role"
                return AssumeRoleResponse(credentials: self.answer(name))
            },
            assumeRoleWithWebIdentity: { request, target in
                self.state.withLock {
                    $0.calls.append(
                        Call(
                            operation: "AssumeRoleWithWebIdentity", roleArn: request.roleArn, signer: nil,
                            target: target))
                    $0.webIdentity.append(request)
                }
                return AssumeRoleWithWebIdentityResponse(credentials: self.answer("WEB"))
            },
            getSessionToken: { request, source, target in
                let signer = try await source.credentials().accessKeyId
                self.state.withLock {
                    $0.calls.append(
                        Call(operation: "GetSessionToken", roleArn: nil, signer: signer, target: target))
                    $0.sessionToken.append(request)
                }
                return GetSessionTokenResponse(credentials: self.answer("SESSION"))
            })
    }
}

/// Counts how often the token-code callback is asked, for which serial.
final class TokenCodes: Sendable {
    private let asked = Mutex<[String]>([])
    var serials: [String] { asked.withLock { $0 } }
    var provider: MFATokenCodeProvider {
        { serial in
            let count = self.asked.withLock {
                $0.append(serial)
                return $0.count
            }
            return String(format: "%06d", 123_456 + count - 1)
        }
    }
}
