import Foundation
import LatchkeyClient
import Testing

@Suite struct STSServiceErrorTests {
    struct ModelledErrors: Decodable {
        struct Trait: Decodable {
            var code: String
            var httpStatusCode: Int
        }
        var errors: [String: Trait]
    }

    @Test("Every error code modelled in sts-2011-06-15.json is a known static code")
    func modelledCodesAreKnown() throws {
        let url = try #require(
            Bundle.module.url(forResource: "sts-modelled-errors", withExtension: "json", subdirectory: "Fixtures"))
        let model = try JSONDecoder().decode(ModelledErrors.self, from: Data(contentsOf: url))
        #expect(model.errors.count == 12)
        for (shape, trait) in model.errors {
            #expect(STSServiceError.Code(rawValue: trait.code).isKnown, "\(shape) → \(trait.code)")
        }
    }

    @Test("Retries happen on 5xx and the throttling codes, never on other 4xx codes")
    func retryableCodes() {
        for code: STSServiceError.Code in [
            .throttling, .throttlingException, .requestLimitExceeded, .idpCommunicationError,
        ] {
            #expect(STSServiceError(code: code, message: "", httpStatus: 400).isRetryable)
        }
        for code: STSServiceError.Code in [.accessDenied, .validationError, .invalidClientTokenId, .expiredToken] {
            #expect(!STSServiceError(code: code, message: "", httpStatus: 403).isRetryable)
        }
        #expect(STSServiceError(code: .internalFailure, message: "", httpStatus: 500).isRetryable)
        #expect(STSServiceError(code: "Whatever", message: "", httpStatus: 503).isRetryable)
    }

    @Test("The description names code, status, message and request ID")
    func description() {
        let error = STSClientError.service(
            STSServiceError(code: .expiredToken, message: "expired", requestId: "r-1", httpStatus: 403, type: .sender))
        #expect("\(error)" == "STS error ExpiredToken (HTTP 403): expired [request r-1]")
    }
}
