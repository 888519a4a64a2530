public import LatchkeyModel

extension QueryResponse {
    /// An error document:
    /// `<ErrorResponse xmlns="NS"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
    /// <RequestId>ID</RequestId></ErrorResponse>`.
    ///
    /// Only the error's code, fault and message are rendered (never its cause); the message is escaped.
    public static func errorXML(_ error: STSError, namespace: String, requestId: String) -> String {
        String(decoding: errorXMLBytes(error, namespace: namespace, requestId: requestId), as: UTF8.self)
    }

    /// ``errorXML(_:namespace:requestId:)`` as UTF-8 bytes, what the server sends.
    public static func errorXMLBytes(_ error: STSError, namespace: String, requestId: String) -> [UInt8] {
        let code = error.code
        var output = XMLWriter(
            capacity: 150 + namespace.utf8.count + code.wireCode.utf8.count + error.message.utf8.count
                + error.message.utf8.count / 8 + requestId.utf8.count
        )
        output.append("<ErrorResponse xmlns=\"")
        output.appendEscaped(namespace)
        output.append("\"><Error><Type>")
        output.append(code.fault.rawValue)
        output.append("</Type><Code>")
        output.appendEscaped(code.wireCode)
        output.append("</Code><Message>")
        output.appendEscaped(error.message)
        output.append("</Message></Error><RequestId>")
        output.appendEscaped(requestId)
        output.append("</RequestId></ErrorResponse>")
        return output.bytes
    }

    /// The JSON form of ``errorXML(_:namespace:requestId:)``:
    /// `{"Error":{"Code":"…","Message":"…","Type":"Sender"},"RequestId":"…"}`.
    public static func errorJSON(_ error: STSError, requestId: String) -> String {
        let code = error.code
        var output = ""
        output.reserveCapacity(
            64 + code.wireCode.utf8.count + error.message.utf8.count + error.message.utf8.count / 8
                + requestId.utf8.count
        )
        output += "{\"Error\":{\"Code\":"
        TextEscaping.appendJSON(code.wireCode, to: &output)
        output += ",\"Message\":"
        TextEscaping.appendJSON(error.message, to: &output)
        output += ",\"Type\":\""
        output += code.fault.rawValue
        output += "\"},\"RequestId\":"
        TextEscaping.appendJSON(requestId, to: &output)
        output += "}"
        return output
    }
}
