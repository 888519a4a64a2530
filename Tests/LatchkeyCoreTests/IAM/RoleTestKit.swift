import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// Documents, seeds and error checks shared by the service-level tests of roles, role policies and managed policies.
enum RoleTestKit {
    /// A trust policy letting `principal` (an ARN or an account ID) assume the role; `action` is JSON (a string or
    /// an array).
    static func trust(_ principal: String, action: String = #""sts:AssumeRole""#, extra: String = "") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(principal)"},"Action":\#(action)\#(extra)}]}"#
    }

    /// An identity policy with one statement.
    static func allow(_ action: String, resource: String = "*") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"\#(resource)"}]}"#
    }

    /// How IAM returns a document: RFC 3986 percent-encoding (computed with Foundation, not with the code under test).
    static func encoded(_ document: String) -> String {
        var unreserved = CharacterSet(charactersIn: "-._~")
        unreserved.formUnion(CharacterSet(charactersIn: "a"..."z"))
        unreserved.formUnion(CharacterSet(charactersIn: "A"..."Z"))
        unreserved.formUnion(CharacterSet(charactersIn: "0"..."9"))
        return document.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func roleArn(_ f: ServiceFixture, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(f.accountId):role\(path)\(name)"
    }

    static func policyArn(_ f: ServiceFixture, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(f.accountId):policy\(path)\(name)"
    }

    static func userArn(_ f: ServiceFixture, _ name: String) -> String {
        "arn:aws:iam::\(f.accountId):user/\(name)"
    }

    /// CreateRole as the root, trusting the account.
    @discardableResult
    static func createRole(_ f: ServiceFixture, _ name: String, path: String? = nil, trust: String? = nil) async throws
        -> IAM.Role
    {
        let input = CreateRoleInput(
            roleName: name, assumeRolePolicyDocument: trust ?? Self.trust(f.accountId), path: path)
        return try #require(try await f.iam.createRole(input, caller: f.root, now: f.clock.now).role)
    }

    /// CreatePolicy as the root; returns the policy's ARN.
    @discardableResult
    static func createPolicy(
        _ f: ServiceFixture, _ name: String, document: String = allow("s3:*"), path: String? = nil
    ) async throws -> String {
        let input = CreatePolicyInput(policyName: name, policyDocument: document, path: path)
        return try #require(try await f.iam.createPolicy(input, caller: f.root, now: f.clock.now).policy?.arn)
    }

    /// Gives the user `userName` an inline policy (written to the store directly, then the authorizer's cache
    /// cleared, as the server clears it after a write).
    static func grant(_ f: ServiceFixture, user userName: String, _ document: String) async throws {
        try await f.store.putInlinePolicy(
            InlinePolicy(accountId: f.accountId, owner: .user(userName), policyName: "grant", document: document))
        f.authorizer.invalidate()
    }

    /// Runs `body`, which must fail with `code` and, when given, exactly `message`; returns the error.
    @discardableResult
    static func expectError<T>(
        _ code: STSError.Code, _ message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async -> STSError? {
        do {
            let value = try await body()
            Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
            return nil
        } catch let error as STSError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
            return error
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
