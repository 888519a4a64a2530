public import LatchkeyModel

/// The fields of an awsQuery error document, as read by ``QueryResponse/parseError(xml:limits:)``.
public struct QueryErrorDocument: Sendable, Hashable {
    /// `Error/Code`, e.g. `InvalidClientTokenId`.
    public var code: String
    /// `Error/Message`; empty when the element is absent.
    public var message: String
    /// `Error/Type` (`Sender` or `Receiver`), when present.
    public var type: String?
    /// `RequestId`, when present.
    public var requestId: String?

    /// Creates a document.
    public init(code: String, message: String, type: String? = nil, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.type = type
        self.requestId = requestId
    }

    /// The error as an ``STSError``, keeping the raw wire code (modelled or not) with the HTTP status the
    /// response came with; the fault is `Receiver` when `<Type>` says so, else follows the status.
    public func stsError(httpStatus: Int) -> STSError {
        let fault: STSError.Code.Fault? =
            switch type {
            case "Receiver": .receiver
            case "Sender": .sender
            default: nil
            }
        return STSError(STSError.Code(code, httpStatus, fault: fault), message)
    }
}

/// A successful awsQuery response, as read by ``QueryResponse/parse(xml:action:limits:)``.
public struct QueryResultDocument: Sendable, Hashable {
    /// The `<ActionResult>` element; nil when the response has none (e.g. IAM's `DeleteUser`).
    public var result: XMLReader.Element?
    /// `ResponseMetadata/RequestId`, when present.
    public var requestId: String?

    /// Creates a document.
    public init(result: XMLReader.Element?, requestId: String?) {
        self.result = result
        self.requestId = requestId
    }
}

extension QueryResponse {
    /// Reads an error document: `ErrorResponse` (awsQuery), `Response/Errors/Error` (EC2 style) or a bare
    /// `Error` root. Throws ``XMLReaderError/Code/unexpectedDocument`` when no `Error/Code` is found.
    public static func parseError(
        xml: some Collection<UInt8>,
        limits: XMLReader.Limits = .default
    ) throws(XMLReaderError) -> QueryErrorDocument {
        let root = try XMLReader.parse(xml, limits: limits)
        let error: XMLReader.Element? =
            root.localName == "Error" ? root : (root.child("Error") ?? root.element(at: "Errors", "Error"))
        guard let error, let code = error.child("Code")?.text, !code.isEmpty else {
            throw XMLReaderError(.unexpectedDocument, "The document has no Error/Code element.")
        }
        let requestId = root.child("RequestId") ?? root.child("RequestID") ?? error.child("RequestId")
        return QueryErrorDocument(
            code: code,
            message: error.child("Message")?.text ?? "",
            type: error.child("Type")?.text,
            requestId: requestId?.text
        )
    }

    /// Reads an error document from a string; see ``parseError(xml:limits:)``.
    public static func parseError(
        xml: String,
        limits: XMLReader.Limits = .default
    ) throws(XMLReaderError) -> QueryErrorDocument {
        try parseError(xml: xml.utf8, limits: limits)
    }

    /// Reads a successful response for `action`: the root must be `<ActionResponse>`.
    public static func parse(
        xml: some Collection<UInt8>,
        action: String,
        limits: XMLReader.Limits = .default
    ) throws(XMLReaderError) -> QueryResultDocument {
        let root = try XMLReader.parse(xml, limits: limits)
        guard root.localName == action + "Response" else {
            throw XMLReaderError(.unexpectedDocument, "The root element is not \(action)Response.")
        }
        return QueryResultDocument(
            result: root.child(action + "Result"),
            requestId: root.element(at: "ResponseMetadata", "RequestId")?.text
        )
    }

    /// Reads a successful response from a string; see ``parse(xml:action:limits:)``.
    public static func parse(
        xml: String,
        action: String,
        limits: XMLReader.Limits = .default
    ) throws(XMLReaderError) -> QueryResultDocument {
        try parse(xml: xml.utf8, action: action, limits: limits)
    }
}
