import Foundation
import LatchkeySigV4

/// A signed STS request and helpers to tamper with it. All times are injected; nothing reads the clock.
enum Fixture {
    static let accessKeyID = "AKIDLATCHKEYTEST"
    static let secret = "s3cr3t/Latchkey+Secret/KEY0123456789abcdef"
    static let token = "TOKENvalue/with+slash=and-more-0123456789"
    /// 2015-08-30T12:36:00Z
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let body = "Action=GetCallerIdentity&Version=2011-06-15"

    static func signer(token: String? = token) -> SigV4Signer {
        SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token),
            region: "us-east-1", service: "sts")
    }

    static func postRequest() -> SignableRequest {
        SignableRequest(
            method: "POST", rawPath: "/",
            headers: [
                .init(name: "Host", value: "sts.amazonaws.com"),
                .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            payloadHash: SignableRequest.hashPayload(Data(body.utf8)))
    }

    static func getRequest() -> SignableRequest {
        SignableRequest(
            method: "GET", rawPath: "/", rawQuery: "Action=GetCallerIdentity&Version=2011-06-15",
            headers: [.init(name: "Host", value: "sts.amazonaws.com")])
    }

    /// The POST request signed in header form at ``date``.
    static func headerSigned(token: String? = token) throws -> SignableRequest {
        try signer(token: token).sign(postRequest(), date: date).request
    }

    /// The GET request presigned at ``date``.
    static func presigned(expires: Int = 900) throws -> SignableRequest {
        try signer().presign(getRequest(), date: date, expires: expires).request
    }

    static func authorizationValue(_ request: SignableRequest) -> String {
        request.values(forHeader: "authorization").first ?? ""
    }

    static func replacingHeader(_ request: SignableRequest, _ name: String, with value: String) -> SignableRequest {
        var copy = request
        for index in copy.headers.indices where copy.headers[index].name.lowercased() == name.lowercased() {
            copy.headers[index].value = value
        }
        return copy
    }

    static func replacingAuthorization(
        _ request: SignableRequest,
        _ target: String,
        with replacement: String
    ) -> SignableRequest {
        replacingHeader(
            request, "Authorization",
            with: authorizationValue(request).replacingOccurrences(of: target, with: replacement))
    }

    /// Parses and verifies `request` as the server would.
    static func verify(
        _ request: SignableRequest,
        now: Date = date,
        secret: String = secret,
        service: String? = "sts"
    ) throws(SigV4Error) {
        guard let auth = try SigV4.parseAuthorization(request: request) else {
            throw SigV4Error.missingAuthenticationToken
        }
        try SigV4.verify(auth, request: request, secretAccessKey: secret, now: now, expectedService: service)
    }

    /// The error `body` throws, or nil.
    static func error(_ body: () throws(SigV4Error) -> Void) -> SigV4Error? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
