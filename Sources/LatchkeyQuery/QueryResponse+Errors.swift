public import LatchkeyModel

extension QueryResponse {
    /// An error document:
    /// `<ErrorResponse xmlns="NS"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
    /// <RequestId>ID</RequestId></ErrorResponse>`.
    ///
    /// Only the error's code, fault and message are rendered (never its cause); the message is escaped.
    public static func errorXML(_ error: STSError, namespace: String, requestId: String) -> String {
        let code = error.code
        var output = ""
        output.reserveCapacity(
            150 + namespace.utf8.count + code.wireCode.utf8.count + error.message.utf8.count
                + error.message.utf8.count / 8 + requestId.utf8.count
        )
        output += "<ErrorResponse xmlns=\""
        TextEscaping.appendXML(namespace, to: &output)
        output += "\"><Error><Type>"
        output += code.fault.rawValue
        output += "</Type><Code>"
        TextEscaping.appendXML(code.wireCode, to: &output)
        output += "</Code><Message>"
        TextEscaping.appendXML(error.message, to: &output)
        output += "</Message></Error><RequestId>"
        TextEscaping.appendXML(requestId, to: &output)
        output += "</RequestId></ErrorResponse>"
        return output
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
