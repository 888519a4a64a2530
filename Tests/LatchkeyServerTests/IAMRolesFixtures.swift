import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// Documents, requests and readers shared by the role tests.
enum RoleFixtures {
    static let account = TestServer.accountId

    /// A trust policy letting `principal` (an ARN, or `*`) perform `actions`, with an optional condition block
    /// (JSON text of the `Condition` value).
    static func trust(_ principal: String, actions: [String] = ["sts:AssumeRole"], condition: String? = nil) -> String {
        let actionList = actions.map { "\"\($0)\"" }.joined(separator: ",")
        let conditionText = condition.map { ",\"Condition\":\($0)" } ?? ""
        return
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(principal)"},"Action":[\#(actionList)]\#(conditionText)}]}"#
    }

    /// An identity policy with one statement.
    static func allow(_ action: String, resource: String = "*", effect: String = "Allow", condition: String? = nil)
        -> String
    {
        let conditionText = condition.map { ",\"Condition\":\($0)" } ?? ""
        return
            #"{"Version":"2012-10-17","Statement":[{"Effect":"\#(effect)","Action":"\#(action)","Resource":"\#(resource)"\#(conditionText)}]}"#
    }

    static func userArn(_ name: String) -> String { "arn:aws:iam::\(account):user/\(name)" }
    static func roleArn(_ name: String, path: String = "/") -> String { "arn:aws:iam::\(account):role\(path)\(name)" }
    static func policyArn(_ name: String) -> String { "arn:aws:iam::\(account):policy/\(name)" }

    /// How IAM returns a policy document: percent-encoded JSON.
    static func encoded(_ document: String) -> String {
        var output = ""
        QueryParameters.percentEncode(document, into: &output)
        return output
    }

    /// CreateRole as the root with `trust`; returns the `<Role>` element.
    @discardableResult
    static func createRole(
        _ server: TestServer, _ name: String, trust: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> XMLReader.Element {
        let reply = try await server.iam("CreateRole", ["RoleName": name, "AssumeRolePolicyDocument": trust])
        return try #require(reply.result("CreateRole", sourceLocation: sourceLocation).child("Role"))
    }

    /// CreatePolicy as the root (path `/`); fails the test unless it succeeds.
    static func seedManagedPolicy(
        _ server: TestServer, _ name: String, document: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let reply = try await server.iam("CreatePolicy", ["PolicyName": name, "PolicyDocument": document])
        _ = try reply.result("CreatePolicy", sourceLocation: sourceLocation)
    }

    /// Sends an IAM call with parameters built at run time.
    static func iam(
        _ server: TestServer, _ action: String, _ params: [(String, String)],
        as credentials: SigV4Credentials = TestServer.root
    )
        async throws -> Reply
    {
        let body = formEncode([("Action", action), ("Version", TestServer.iamVersion)] + params)
        return try await server.send(signedPOST(body: body, credentials: credentials, service: "iam", date: server.now))
    }

    /// Sends AssumeRole as `credentials`.
    static func assumeRole(
        _ server: TestServer, as credentials: SigV4Credentials, role: String, session: String = "s1",
        _ extra: [(String, String)] = []
    ) async throws -> Reply {
        let params = [("RoleArn", roleArn(role)), ("RoleSessionName", session)] + extra
        let body = formEncode([("Action", "AssumeRole"), ("Version", TestServer.stsVersion)] + params)
        return try await server.send(signedPOST(body: body, credentials: credentials, service: "sts", date: server.now))
    }

    /// The credentials of a successful AssumeRole reply.
    static func credentials(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> SigV4Credentials
    {
        let result = try reply.result("AssumeRole", sourceLocation: sourceLocation)
        let token = try #require(result.text("Credentials", "SessionToken"), sourceLocation: sourceLocation)
        return SigV4Credentials(
            accessKeyID: try #require(result.text("Credentials", "AccessKeyId"), sourceLocation: sourceLocation),
            secretAccessKey: try #require(
                result.text("Credentials", "SecretAccessKey"), sourceLocation: sourceLocation),
            sessionToken: token)
    }

    /// AssumeRole that must succeed; returns the session's credentials.
    static func session(
        _ server: TestServer, as credentials: SigV4Credentials, role: String, session: String = "s1",
        _ extra: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> SigV4Credentials {
        let reply = try await assumeRole(server, as: credentials, role: role, session: session, extra)
        return try self.credentials(reply, sourceLocation: sourceLocation)
    }
}
