#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import LatchkeyBase
import LatchkeyQuery

/// An STS request shape: its `Action` name and its members as awsQuery parameters.
public protocol STSOperationRequest: Sendable {
    /// The `Action` parameter, e.g. `AssumeRole`.
    static var action: String { get }
    /// Whether AWS serves the operation without a signature (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`).
    static var isUnsigned: Bool { get }
    /// The members as flat awsQuery pairs in model order (`Tags.member.1.Key`, …), without `Action`/`Version`.
    var queryParameters: [(name: String, value: String)] { get }
}

extension STSOperationRequest {
    public static var isUnsigned: Bool { false }

    /// The request body: `Action=…&Version=2011-06-15&…`, percent-encoded as the SDKs send it (RFC 3986
    /// unreserved characters kept, everything else `%XX`).
    public var formEncodedBody: String {
        let pairs = [("Action", Self.action), ("Version", STSClient.apiVersion)] + queryParameters.map { ($0.name, $0.value) }
        var output = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output += "&" }
            QueryParameters.percentEncode(pair.0, into: &output)
            output += "="
            QueryParameters.percentEncode(pair.1, into: &output)
        }
        return output
    }
}

/// Why a successful response could not be read as the operation's output.
struct ResponseShapeError: Error {
    var reason: String
}

/// Reads the members of an `<ActionResult>` element.
struct ResultReader {
    let element: XMLReader.Element?

    init(_ element: XMLReader.Element?) {
        self.element = element
    }

    /// The text of the element at `path`, or nil when absent.
    func string(_ path: String...) -> String? {
        guard var current = element else { return nil }
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current.text
    }

    func requiredString(_ path: String...) throws(ResponseShapeError) -> String {
        guard var current = element else { throw ResponseShapeError(reason: "the response has no result element") }
        for name in path {
            guard let next = current.child(name) else {
                throw ResponseShapeError(reason: "the result has no \(path.joined(separator: "/")) element")
            }
            current = next
        }
        return current.text
    }

    func int(_ name: String) throws(ResponseShapeError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text.trimmingASCIIWhitespace) else {
            throw ResponseShapeError(reason: "\(name) is not an integer")
        }
        return value
    }

    func date(_ name: String) throws(ResponseShapeError) -> Date? {
        guard let text = string(name) else { return nil }
        guard let value = AWSTimestamp.date(from: text.trimmingASCIIWhitespace) else {
            throw ResponseShapeError(reason: "\(name) is not an ISO 8601 timestamp")
        }
        return value
    }

    func child(_ name: String) -> ResultReader? {
        element?.child(name).map(ResultReader.init)
    }

    func credentials() throws(ResponseShapeError) -> Credentials? {
        guard let node = child("Credentials") else { return nil }
        let expirationText = try node.requiredString("Expiration").trimmingASCIIWhitespace
        guard let expiration = AWSTimestamp.date(from: expirationText) else {
            throw ResponseShapeError(reason: "Credentials/Expiration is not an ISO 8601 timestamp")
        }
        return Credentials(
            accessKeyId: try node.requiredString("AccessKeyId"),
            secretAccessKey: try node.requiredString("SecretAccessKey"),
            sessionToken: try node.requiredString("SessionToken"),
            expiration: expiration)
    }

    func assumedRoleUser() throws(ResponseShapeError) -> AssumedRoleUser? {
        guard let node = child("AssumedRoleUser") else { return nil }
        return AssumedRoleUser(assumedRoleId: try node.requiredString("AssumedRoleId"), arn: try node.requiredString("Arn"))
    }

    func federatedUser() throws(ResponseShapeError) -> FederatedUser? {
        guard let node = child("FederatedUser") else { return nil }
        return FederatedUser(
            federatedUserId: try node.requiredString("FederatedUserId"), arn: try node.requiredString("Arn"))
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingASCIIWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
