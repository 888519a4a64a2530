import Foundation
import HTTPTypes
import LatchkeyQuery
import Testing

/// A response as the client received it, with readers for the awsQuery documents.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: String

    /// The `x-amzn-RequestId` header.
    var requestIdHeader: String? {
        HTTPField.Name("x-amzn-RequestId").flatMap { headers[$0] }
    }

    /// The `Content-Type` header.
    var contentType: String? { headers[.contentType] }

    /// The root element of the XML body.
    func root() throws -> XMLReader.Element {
        try XMLReader.parse(body)
    }

    /// The `<ActionResult>` of a successful response; fails the test when the status is not 200 or the body
    /// is not `<ActionResponse>`.
    @discardableResult
    func result(_ action: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLReader.Element {
        #expect(status == 200, "\(action) failed: \(body)", sourceLocation: sourceLocation)
        let document = try QueryResponse.parse(xml: body, action: action)
        return try #require(document.result, "no \(action)Result in \(body)", sourceLocation: sourceLocation)
    }

    /// Checks a successful response that has no result element (IAM's `DeleteUser` and friends).
    func expectSuccess(_ action: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(status == 200, "\(action) failed: \(body)", sourceLocation: sourceLocation)
        let document = try QueryResponse.parse(xml: body, action: action)
        #expect(document.requestId == requestIdHeader, sourceLocation: sourceLocation)
    }

    /// The error document.
    func error() throws -> QueryErrorDocument {
        try QueryResponse.parseError(xml: body)
    }

    /// Checks the status and code of an error response and returns the document for further checks.
    @discardableResult
    func expectError(
        _ code: String, status expectedStatus: Int, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> QueryErrorDocument {
        #expect(
            status == expectedStatus, "expected \(code)/\(expectedStatus), got \(status): \(body)",
            sourceLocation: sourceLocation)
        let document = try QueryResponse.parseError(xml: body)
        #expect(document.code == code, "body: \(body)", sourceLocation: sourceLocation)
        if let message {
            #expect(document.message == message, sourceLocation: sourceLocation)
        }
        #expect(document.requestId == requestIdHeader, sourceLocation: sourceLocation)
        return document
    }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(body)")
    }
}

extension XMLReader.Element {
    /// The text at a path of child names, e.g. `text("Credentials", "AccessKeyId")`.
    func text(_ path: String...) -> String? {
        var current = self
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current.text
    }

    /// The `<member>` children of the list element `name`.
    func members(of name: String) -> [XMLReader.Element] {
        child(name)?.children(named: "member") ?? []
    }
}

extension [String: Any] {
    /// The value at a path of object keys.
    func value(_ path: String...) -> Any? {
        var current: Any? = self
        for key in path {
            current = (current as? [String: Any])?[key]
        }
        return current
    }
}
