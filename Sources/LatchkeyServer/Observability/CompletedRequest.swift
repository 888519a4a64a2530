import Foundation
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

/// One answered Query-protocol request, as ``QueryEndpoint`` hands it to its observers (the audit trail, the metrics,
/// the access log) once the response is built.
///
/// It carries the decoded input and the result as they are, secrets included: an observer must remove what it
/// must not keep (see the audit trail's redaction) and must never log a value it did not check.
struct CompletedRequest: Sendable {
    var requestId: String
    var api: QueryAPI
    /// The operation, when the action named a registered one (nil: unknown or missing action, a bad method).
    var declaration: OperationDeclaration?
    /// The request's time, as the operation saw it (the injected clock).
    var eventTime: Date
    /// From the request's arrival at the endpoint to the response built (monotonic).
    var duration: Duration
    /// The authenticated caller; nil for unsigned calls and when authentication failed.
    var caller: Caller?
    /// The access key ID of the request's SigV4 signature, once the signature parsed (also when the key was unknown or
    /// the signature wrong).
    var signingAccessKeyId: String?
    /// Source IP, user agent, TLS, region of the signature.
    var metadata: RequestMetadata
    /// The validated input; nil when the request failed before its parameters were validated.
    var input: QueryInput?
    /// The operation's result on success (may be nil for operations with no result).
    var result: ResponseNode?
    /// The error answered, nil on success.
    var error: STSError?
    /// The HTTP status answered.
    var status: Int

    /// The action as answered: the registered operation's name, or nil.
    var action: String? { declaration?.name }
}

/// Told of every answered request. Called on the request path after the response is built: it must not block or
/// wait (copy what is needed, hand it to a buffer, return).
protocol RequestObserver: Sendable {
    func requestCompleted(_ request: CompletedRequest)
}
