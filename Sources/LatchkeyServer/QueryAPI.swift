import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

/// The two APIs served on one endpoint, told apart by `Version`.
enum QueryAPI: Sendable {
    case sts
    case iam

    init?(version: String) {
        switch version {
        case "2011-06-15": self = .sts
        case "2010-05-08": self = .iam
        default: return nil
        }
    }

    var version: String {
        switch self {
        case .sts: "2011-06-15"
        case .iam: "2010-05-08"
        }
    }

    /// The SigV4 credential-scope service a signed request must name.
    var signingService: String {
        switch self {
        case .sts: "sts"
        case .iam: "iam"
        }
    }

    var namespace: String {
        switch self {
        case .sts: QueryResponse.stsNamespace
        case .iam: QueryResponse.iamNamespace
        }
    }

    /// The service whose operations the API serves.
    var service: OperationSchema.Service {
        switch self {
        case .sts: .sts
        case .iam: .iam
        }
    }
}

/// What an operation handler gets: the caller (nil only for the unsigned federation calls), the validated
/// input, and the request's time.
struct OperationRequest: Sendable {
    var caller: Caller?
    var input: QueryInput
    var now: Date
    var requestId: String
    /// Where the request came from (also for the unsigned federation calls, which have no caller).
    var metadata: RequestMetadata = RequestMetadata()

    /// The caller of a signed operation.
    func signedCaller() throws(STSError) -> Caller {
        guard let caller else {
            throw STSError(.missingAuthenticationToken, "Request is missing Authentication Token")
        }
        return caller
    }
}

typealias OperationHandler = @Sendable (OperationRequest) async throws -> ResponseNode?
