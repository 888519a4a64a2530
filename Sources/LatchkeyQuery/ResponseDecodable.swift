import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An operation output read from the `<ActionResult>` element of a response, for the client. Every generated
/// `OperationOutput` conforms (`Sources/LatchkeyQuery/Generated/`).
///
/// Absent members are `nil`. A member that is present must be readable as its kind (an integer, `true`/`false`, an
/// ISO 8601 timestamp, base64), and a nested structure must carry the members the model requires of it (a
/// `Credentials` without `SessionToken` is an error); anything else throws ``ResponseDecodingError``.
public protocol ResponseDecodable {
    /// Reads the output from its result element; `nil` (no result element) reads as an output without members.
    init(result: XMLReader.Element?) throws(ResponseDecodingError)
}

/// Why a successful response could not be read as the operation's output.
public struct ResponseDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// Reads the members of a result or structure element, with the strictness ``ResponseDecodable`` promises.
struct ResponseReader {
    let element: XMLReader.Element?

    init(_ element: XMLReader.Element?) {
        self.element = element
    }

    /// The text of the member element, or nil when absent.
    func string(_ name: String) -> String? {
        element?.child(name)?.text
    }

    func requiredString(_ name: String) throws(ResponseDecodingError) -> String {
        guard let text = string(name) else { throw missing(name) }
        return text
    }

    func int(_ name: String) throws(ResponseDecodingError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(Self.trimmed(text)) else { throw invalid(name, "an integer") }
        return value
    }

    func requiredInt(_ name: String) throws(ResponseDecodingError) -> Int {
        guard let value = try int(name) else { throw missing(name) }
        return value
    }

    func bool(_ name: String) throws(ResponseDecodingError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch Self.trimmed(text) {
        case "true": return true
        case "false": return false
        default: throw invalid(name, "true or false")
        }
    }

    func requiredBool(_ name: String) throws(ResponseDecodingError) -> Bool {
        guard let value = try bool(name) else { throw missing(name) }
        return value
    }

    func date(_ name: String) throws(ResponseDecodingError) -> Date? {
        guard let text = string(name) else { return nil }
        guard let value = AWSTimestamp.date(from: Self.trimmed(text)) else {
            throw invalid(name, "an ISO 8601 timestamp")
        }
        return value
    }

    func requiredDate(_ name: String) throws(ResponseDecodingError) -> Date {
        guard let value = try date(name) else { throw missing(name) }
        return value
    }

    func blob(_ name: String) throws(ResponseDecodingError) -> Data? {
        guard let text = string(name) else { return nil }
        guard let bytes = Base64.decode(Self.trimmed(text)) else { throw invalid(name, "base64") }
        return Data(bytes)
    }

    func requiredBlob(_ name: String) throws(ResponseDecodingError) -> Data {
        guard let value = try blob(name) else { throw missing(name) }
        return value
    }

    /// A list of strings: the text of each `<member>`.
    func strings(_ name: String) -> [String]? {
        element?.child(name).map { list in list.children(named: "member").map(\.text) }
    }

    func requiredStrings(_ name: String) throws(ResponseDecodingError) -> [String] {
        guard let values = strings(name) else { throw missing(name) }
        return values
    }

    func structure<Value: ResponseStructure>(_ name: String) throws(ResponseDecodingError) -> Value? {
        guard let child = element?.child(name) else { return nil }
        return try Value(reading: ResponseReader(child))
    }

    func requiredStructure<Value: ResponseStructure>(_ name: String) throws(ResponseDecodingError) -> Value {
        guard let value: Value = try structure(name) else { throw missing(name) }
        return value
    }

    /// A list of structures: each `<member>`.
    func structures<Value: ResponseStructure>(_ name: String) throws(ResponseDecodingError) -> [Value]? {
        guard let list = element?.child(name) else { return nil }
        var values: [Value] = []
        for item in list.children(named: "member") {
            values.append(try Value(reading: ResponseReader(item)))
        }
        return values
    }

    func requiredStructures<Value: ResponseStructure>(_ name: String) throws(ResponseDecodingError) -> [Value] {
        guard let values: [Value] = try structures(name) else { throw missing(name) }
        return values
    }

    /// A map of strings: `<entry><key>k</key><value>v</value></entry>` items; a repeated key keeps the last value.
    func map(_ name: String) -> [String: String]? {
        guard let list = element?.child(name) else { return nil }
        var values: [String: String] = [:]
        for entry in list.children(named: "entry") {
            if let key = entry.child("key")?.text { values[key] = entry.child("value")?.text ?? "" }
        }
        return values
    }

    private func missing(_ name: String) -> ResponseDecodingError {
        let within = element.map { " in \($0.localName)" } ?? ""
        return ResponseDecodingError(reason: "the response has no \(name) element\(within)")
    }

    private func invalid(_ name: String, _ expected: String) -> ResponseDecodingError {
        ResponseDecodingError(reason: "\(name) is not \(expected)")
    }

    /// The text without leading and trailing spaces, tabs and line breaks.
    static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
