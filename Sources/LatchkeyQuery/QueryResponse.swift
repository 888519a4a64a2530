import LatchkeyBase

/// Renders awsQuery responses and error documents (XML, and the JSON form AWS serves for
/// `Accept: application/json`), and reads them back for the client.
///
/// Every renderer builds its output in one buffer with capacity reserved up front (XML as UTF-8 bytes, JSON in a
/// `String`), escapes all text, and never pretty-prints. The `action` and `namespace` arguments become element
/// names and attributes: pass known action names and the namespace constants, never request input.
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
        String(
            decoding: xmlBytes(action: action, namespace: namespace, result: result, requestId: requestId),
            as: UTF8.self)
    }

    /// ``xml(action:namespace:result:requestId:)`` as UTF-8 bytes, written into one buffer reserved once: what the
    /// server sends (`XML.AssumeRoleResponse`, `XML.GetCallerIdentityResponse`).
    public static func xmlBytes(action: String, namespace: String, result: ResponseNode?, requestId: String)
        -> [UInt8]
    {
        var output = XMLWriter(
            capacity: 2 * action.utf8.count + namespace.utf8.count + requestId.utf8.count + 120
                + (result.map { $0.estimatedSize + action.utf8.count } ?? 0)
        )
        output.append("<")
        output.append(action)
        output.append("Response xmlns=\"")
        output.appendEscaped(namespace)
        output.append("\">")
        if let result {
            output.append("<")
            output.append(action)
            output.append("Result>")
            appendXMLContent(of: result, to: &output)
            output.append("</")
            output.append(action)
            output.append("Result>")
        }
        output.append("<ResponseMetadata><RequestId>")
        output.appendEscaped(requestId)
        output.append("</RequestId></ResponseMetadata></")
        output.append(action)
        output.append("Response>")
        return output.bytes
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
    static func appendXML(_ node: ResponseNode, name: String, to output: inout XMLWriter) {
        output.append("<")
        output.append(name)
        output.append(">")
        appendXMLContent(of: node, to: &output)
        output.append("</")
        output.append(name)
        output.append(">")
    }

    /// Appends the content of `node` (text, child elements or `<member>` items) without its own tags.
    static func appendXMLContent(of node: ResponseNode, to output: inout XMLWriter) {
        switch node.value {
        case .string(let text):
            output.appendEscaped(text)
        case .scalar(let text):
            output.append(text)
        case .timestamp(let seconds):
            output.appendTimestamp(epochSeconds: seconds)
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
