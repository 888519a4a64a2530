import LatchkeyBase

/// Renders awsQuery responses and error documents (XML, and the JSON form AWS serves for
/// `Accept: application/json`), and reads them back for the client.
///
/// Every renderer builds its output in one `String` with capacity reserved up front, escapes all text,
/// and never pretty-prints. The `action` and `namespace` arguments become element names and attributes:
/// pass known action names and the namespace constants, never request input.
public enum QueryResponse {
    /// The STS XML namespace, `https://sts.amazonaws.com/doc/2011-06-15/`.
    public static let stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    /// The IAM XML namespace, `https://iam.amazonaws.com/doc/2010-05-08/`.
    public static let iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

    /// A successful response:
    /// `<ActionResponse xmlns="NS"><ActionResult>…</ActionResult><ResponseMetadata><RequestId>ID</RequestId>
    /// </ResponseMetadata></ActionResponse>`.
    ///
    /// - Parameters:
    ///   - action: The action name, e.g. `GetCallerIdentity`.
    ///   - namespace: ``stsNamespace`` or ``iamNamespace``.
    ///   - result: The content of `<ActionResult>` (its own name is not rendered); `nil` leaves the
    ///     element out entirely, as for IAM's `DeleteUser`.
    ///   - requestId: The request ID, also sent as `x-amzn-RequestId`.
    public static func xml(action: String, namespace: String, result: ResponseNode?, requestId: String) -> String {
        var output = ""
        output.reserveCapacity(
            2 * action.utf8.count + namespace.utf8.count + requestId.utf8.count + 120
                + (result.map { $0.estimatedSize + action.utf8.count } ?? 0)
        )
        output += "<"
        output += action
        output += "Response xmlns=\""
        TextEscaping.appendXML(namespace, to: &output)
        output += "\">"
        if let result {
            output += "<"
            output += action
            output += "Result>"
            appendXMLContent(of: result, to: &output)
            output += "</"
            output += action
            output += "Result>"
        }
        output += "<ResponseMetadata><RequestId>"
        TextEscaping.appendXML(requestId, to: &output)
        output += "</RequestId></ResponseMetadata></"
        output += action
        output += "Response>"
        return output
    }

    /// The JSON form of ``xml(action:namespace:result:requestId:)``:
    /// `{"ActionResponse":{"ActionResult":{…},"ResponseMetadata":{"RequestId":"ID"}}}`.
    ///
    /// Structures are objects, lists are arrays, strings are JSON strings, integers and booleans are bare,
    /// and timestamps are whole seconds since 1970 (a JSON number). Absent members are left out rather than
    /// written as `null`. With a `nil` result the `ActionResult` key is left out.
    public static func json(action: String, result: ResponseNode?, requestId: String) -> String {
        var output = ""
        output.reserveCapacity(
            2 * action.utf8.count + requestId.utf8.count + 64 + (result.map { $0.estimatedSize } ?? 0)
        )
        output += "{"
        TextEscaping.appendJSON(action + "Response", to: &output)
        output += ":{"
        if let result {
            TextEscaping.appendJSON(action + "Result", to: &output)
            output += ":"
            appendJSONValue(of: result, to: &output)
            output += ","
        }
        output += "\"ResponseMetadata\":{\"RequestId\":"
        TextEscaping.appendJSON(requestId, to: &output)
        output += "}}}"
        return output
    }

    /// Appends `node` as an element.
    static func appendXML(_ node: ResponseNode, name: String, to output: inout String) {
        output += "<"
        output += name
        output += ">"
        appendXMLContent(of: node, to: &output)
        output += "</"
        output += name
        output += ">"
    }

    /// Appends the content of `node` (text, child elements or `<member>` items) without its own tags.
    static func appendXMLContent(of node: ResponseNode, to output: inout String) {
        switch node.value {
        case .string(let text):
            TextEscaping.appendXML(text, to: &output)
        case .scalar(let text):
            output += text
        case .timestamp(let seconds):
            AWSTimestamp.append(epochSeconds: seconds, to: &output)
        case .structure(let children):
            for child in children { appendXML(child, name: child.name, to: &output) }
        case .list(let items):
            for item in items { appendXML(item, name: "member", to: &output) }
        }
    }

    /// Appends `node` as a JSON value.
    static func appendJSONValue(of node: ResponseNode, to output: inout String) {
        switch node.value {
        case .string(let text):
            TextEscaping.appendJSON(text, to: &output)
        case .scalar(let text):
            output += text
        case .timestamp(let seconds):
            output += String(seconds)
        case .structure(let children):
            output += "{"
            var first = true
            for child in children {
                if !first { output += "," }
                first = false
                TextEscaping.appendJSON(child.name, to: &output)
                output += ":"
                appendJSONValue(of: child, to: &output)
            }
            output += "}"
        case .list(let items):
            output += "["
            var first = true
            for item in items {
                if !first { output += "," }
                first = false
                appendJSONValue(of: item, to: &output)
            }
            output += "]"
        }
    }
}
