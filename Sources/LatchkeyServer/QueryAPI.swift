import LatchkeyModel
import LatchkeyQuery

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
