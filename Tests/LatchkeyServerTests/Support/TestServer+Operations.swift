import Foundation
import LatchkeyBase
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTestSupport
import Testing

/// GetCallerIdentity's three fields.
struct CallerIdentity: Sendable, Equatable {
    var arn: String
    var userId: String
    var account: String
}

/// What GetSessionToken returned.
struct SessionCredentials: Sendable {
    var credentials: SigV4Credentials
    var expiration: Date
}

extension TestServer {
    /// The server's current time.
    var now: Date { clock.now }

    /// Sends a signed STS call (unsigned with `as: nil`), dated now unless `date` is given.
    func sts(
        _ action: String, _ params: KeyValuePairs<String, String> = [:],
        as credentials: SigV4Credentials? = TestServer.root,
        date: Date? = nil, headers: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        try await send(
            signedRequest(
                action: action, version: Self.stsVersion, params: params, credentials: credentials, date: date ?? now,
                headers: headers),
            sourceLocation: sourceLocation)
    }

    /// Sends a signed IAM call, dated now unless `date` is given.
    func iam(
        _ action: String, _ params: KeyValuePairs<String, String> = [:],
        as credentials: SigV4Credentials? = TestServer.root,
        date: Date? = nil, headers: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        try await send(
            signedRequest(
                action: action, version: Self.iamVersion, params: params, credentials: credentials, date: date ?? now,
                headers: headers),
            sourceLocation: sourceLocation)
    }

    /// GetCallerIdentity as `credentials`; fails the test unless it succeeds.
    func callerIdentity(as credentials: SigV4Credentials, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> CallerIdentity
    {
        let result = try await sts("GetCallerIdentity", as: credentials, sourceLocation: sourceLocation)
            .result("GetCallerIdentity", sourceLocation: sourceLocation)
        return CallerIdentity(
            arn: try #require(result.text("Arn")), userId: try #require(result.text("UserId")),
            account: try #require(result.text("Account")))
    }

    /// CreateUser as the root; returns the `<User>` element.
    @discardableResult
    func createUser(_ name: String, path: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> XMLReader.Element
    {
        let reply: Reply
        if let path {
            reply = try await iam("CreateUser", ["UserName": name, "Path": path], sourceLocation: sourceLocation)
        } else {
            reply = try await iam("CreateUser", ["UserName": name], sourceLocation: sourceLocation)
        }
        return try #require(reply.result("CreateUser", sourceLocation: sourceLocation).child("User"))
    }

    /// CreateAccessKey for `userName` as the root; returns the new key as credentials.
    func createAccessKey(for userName: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> SigV4Credentials
    {
        let result = try await iam("CreateAccessKey", ["UserName": userName], sourceLocation: sourceLocation)
            .result("CreateAccessKey", sourceLocation: sourceLocation)
        return SigV4Credentials(
            accessKeyID: try #require(result.text("AccessKey", "AccessKeyId")),
            secretAccessKey: try #require(result.text("AccessKey", "SecretAccessKey")))
    }

    /// A user with one access key, created by the root.
    func userWithKey(_ name: String, path: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> SigV4Credentials
    {
        try await createUser(name, path: path, sourceLocation: sourceLocation)
        return try await createAccessKey(for: name, sourceLocation: sourceLocation)
    }

    /// Reads `<Credentials>` out of a GetSessionToken reply that must have succeeded.
    func sessionCredentials(from reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> SessionCredentials
    {
        let result = try reply.result("GetSessionToken", sourceLocation: sourceLocation)
        let expiration = try #require(result.text("Credentials", "Expiration"), sourceLocation: sourceLocation)
        return SessionCredentials(
            credentials: SigV4Credentials(
                accessKeyID: try #require(result.text("Credentials", "AccessKeyId"), sourceLocation: sourceLocation),
                secretAccessKey: try #require(
                    result.text("Credentials", "SecretAccessKey"), sourceLocation: sourceLocation),
                sessionToken: result.text("Credentials", "SessionToken")),
            expiration: try #require(AWSTimestamp.date(from: expiration), sourceLocation: sourceLocation))
    }

    /// GetSessionToken as `credentials`; fails the test unless it succeeds.
    func sessionToken(
        as credentials: SigV4Credentials, _ params: KeyValuePairs<String, String> = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> SessionCredentials {
        let reply = try await sts("GetSessionToken", params, as: credentials, sourceLocation: sourceLocation)
        return try sessionCredentials(from: reply, sourceLocation: sourceLocation)
    }
}
