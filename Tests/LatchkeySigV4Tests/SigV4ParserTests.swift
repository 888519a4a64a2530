import Foundation
import LatchkeySigV4
import Testing

@Suite struct SigV4ParserTests {
    static let credential = "Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request"
    static let signedHeaders = "SignedHeaders=host;x-amz-date"
    static let signature = "Signature=" + String(repeating: "ab", count: 32)

    static func request(authorization: String?, date: String? = "20150830T123600Z", query: String = "")
        -> SignableRequest
    {
        var headers: [SignableRequest.Header] = [.init(name: "Host", value: "sts.amazonaws.com")]
        if let date { headers.append(.init(name: "X-Amz-Date", value: date)) }
        if let authorization { headers.append(.init(name: "Authorization", value: authorization)) }
        return SignableRequest(method: "GET", rawPath: "/", rawQuery: query, headers: headers)
    }

    struct Garbage: Sendable, CustomTestStringConvertible {
        var label: String
        var value: String
        var code: SigV4Error.Code
        var testDescription: String { label }
    }

    static let garbage: [Garbage] = {
        let c = credential
        let h = signedHeaders
        let s = signature
        let hex = String(repeating: "ab", count: 32)
        return [
            Garbage(label: "empty", value: "", code: .missingAuthenticationToken),
            Garbage(label: "blank", value: "   ", code: .missingAuthenticationToken),
            Garbage(label: "algorithm only", value: "AWS4-HMAC-SHA256", code: .incompleteSignature),
            Garbage(label: "other scheme", value: "Bearer abc.def.ghi", code: .incompleteSignature),
            Garbage(label: "SigV2", value: "AWS AKIDEXAMPLE:c2lnbmF0dXJl", code: .incompleteSignature),
            Garbage(
                label: "lowercase algorithm", value: "aws4-hmac-sha256 \(c), \(h), \(s)", code: .incompleteSignature),
            Garbage(
                label: "tab after algorithm", value: "AWS4-HMAC-SHA256\t\(c), \(h), \(s)", code: .incompleteSignature),
            Garbage(
                label: "component without equals", value: "AWS4-HMAC-SHA256 Credential, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(label: "missing commas", value: "AWS4-HMAC-SHA256 \(c) \(h) \(s)", code: .incompleteSignature),
            Garbage(
                label: "semicolons between components", value: "AWS4-HMAC-SHA256 \(c); \(h); \(s)",
                code: .incompleteSignature),
            Garbage(label: "trailing comma", value: "AWS4-HMAC-SHA256 \(c), \(h), \(s),", code: .incompleteSignature),
            Garbage(label: "leading comma", value: "AWS4-HMAC-SHA256 ,\(c), \(h), \(s)", code: .incompleteSignature),
            Garbage(label: "double comma", value: "AWS4-HMAC-SHA256 \(c),, \(h), \(s)", code: .incompleteSignature),
            Garbage(
                label: "unknown component", value: "AWS4-HMAC-SHA256 \(c), \(h), \(s), Foo=bar",
                code: .incompleteSignature),
            Garbage(
                label: "lowercase component name",
                value: "AWS4-HMAC-SHA256 credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "duplicate signature", value: "AWS4-HMAC-SHA256 \(c), \(h), \(s), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "credential with four parts",
                value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "credential with six parts",
                value: "AWS4-HMAC-SHA256 Credential=AKID/EXAMPLE/20150830/us-east-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "credential with impossible date",
                value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20151340/us-east-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "credential with empty access key",
                value: "AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "credential with uppercase region",
                value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/US-EAST-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "empty credential", value: "AWS4-HMAC-SHA256 Credential=, \(h), \(s)", code: .incompleteSignature
            ),
            Garbage(
                label: "unsorted signed headers", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=x-amz-date;host, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "uppercase signed header", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=Host;x-amz-date, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "empty signed header name", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=host;;x-amz-date, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "trailing semicolon", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=host;x-amz-date;, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "repeated signed header", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=host;host, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "empty signed headers", value: "AWS4-HMAC-SHA256 \(c), SignedHeaders=, \(s)",
                code: .incompleteSignature),
            Garbage(
                label: "short signature", value: "AWS4-HMAC-SHA256 \(c), \(h), Signature=\(hex.dropLast())",
                code: .signatureDoesNotMatch),
            Garbage(
                label: "long signature", value: "AWS4-HMAC-SHA256 \(c), \(h), Signature=\(hex)0",
                code: .signatureDoesNotMatch),
            Garbage(
                label: "non-hex signature", value: "AWS4-HMAC-SHA256 \(c), \(h), Signature=\(hex.dropLast())g",
                code: .signatureDoesNotMatch),
            Garbage(
                label: "empty signature", value: "AWS4-HMAC-SHA256 \(c), \(h), Signature=", code: .signatureDoesNotMatch
            ),
            Garbage(
                label: "non-ASCII bytes",
                value: "AWS4-HMAC-SHA256 Credential=AKIDÉXAMPLE/20150830/us-east-1/sts/aws4_request, \(h), \(s)",
                code: .incompleteSignature),
            Garbage(label: "NUL byte", value: "AWS4-HMAC-SHA256 \(c)\u{0}, \(h), \(s)", code: .incompleteSignature),
            Garbage(
                label: "over 8 KiB", value: "AWS4-HMAC-SHA256 \(c), \(h), \(s)" + String(repeating: " ", count: 8192),
                code: .incompleteSignature),
        ]
    }()

    @Test("garbage Authorization values are rejected with the right code", arguments: garbage)
    func garbageAuthorizationIsRejected(garbage: Garbage) {
        let request = Self.request(authorization: garbage.value)
        #expect(throws: SigV4Error(garbage.code, "")) { try SigV4.parseAuthorization(request: request) }
    }

    @Test("a request without any SigV4 authentication parses to nil")
    func noAuthenticationIsNil() throws {
        #expect(try SigV4.parseAuthorization(request: Self.request(authorization: nil)) == nil)
        let unrelated = Self.request(authorization: nil, query: "X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&a=%zz")
        #expect(try SigV4.parseAuthorization(request: unrelated) == nil)
    }

    @Test("the header form is parsed into its parts, with spaces optional after commas")
    func headerFormIsParsed() throws {
        let value = "AWS4-HMAC-SHA256 \(Self.credential),\(Self.signedHeaders) ,  \(Self.signature)"
        var request = Self.request(authorization: value)
        request.headers.append(.init(name: "x-amz-security-token", value: "  tok  "))
        let auth = try #require(try SigV4.parseAuthorization(request: request))
        #expect(auth.accessKeyID == "AKIDEXAMPLE")
        #expect(
            auth.scope == SigV4Scope(date: "20150830", region: "us-east-1", service: "sts", terminator: "aws4_request"))
        #expect(auth.signedHeaders == ["host", "x-amz-date"])
        #expect(auth.signature == String(repeating: "ab", count: 32))
        #expect(auth.timestamp == Date(timeIntervalSince1970: 1_440_938_160))
        #expect(auth.timestampText == "20150830T123600Z")
        #expect(auth.form == .header)
        #expect(auth.securityToken == "tok")
        #expect(!auth.description.contains(auth.signature))
        #expect(!auth.description.contains("tok\""))
    }

    @Test("the presigned form is parsed from the query, decoding each parameter")
    func presignedFormIsParsed() throws {
        let query =
            "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z"
            + "&X-Amz-SignedHeaders=host&X-Amz-Expires=60&X-Amz-Security-Token=a%2Bb%2Fc%3D"
            + "&X-Amz-Signature=\(String(repeating: "0f", count: 32))"
        let auth = try #require(
            try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query)))
        #expect(auth.accessKeyID == "AKIDEXAMPLE")
        #expect(auth.scope.service == "sts")
        #expect(auth.signedHeaders == ["host"])
        #expect(auth.form == .presigned(expiresSeconds: 60))
        #expect(auth.securityToken == "a+b/c=")
        #expect(auth.timestampText == "20150830T123600Z")
    }

    @Test("a presigned query without X-Amz-Expires is read as 900 seconds")
    func missingExpiresDefaultsToFifteenMinutes() throws {
        let query =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request"
            + "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=\(String(repeating: "0f", count: 32))"
        let auth = try #require(
            try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query)))
        #expect(auth.form == .presigned(expiresSeconds: 900))
    }

    @Test(
        "a presigned query missing a required parameter is rejected with AWS's text",
        arguments: ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"])
    func incompletePresignedQueryIsRejected(missing: String) throws {
        let all = [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request",
            "X-Amz-Signature=\(String(repeating: "0f", count: 32))", "X-Amz-Date=20150830T123600Z",
            "X-Amz-SignedHeaders=host",
        ]
        let query = all.filter { !$0.hasPrefix(missing + "=") }.joined(separator: "&")
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query))
            })
        #expect(error.code == .incompleteSignature)
        #expect(
            error.message
                == "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', "
                + "'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.")
    }

    @Test("a duplicate presigned query parameter is rejected")
    func duplicateQueryParameterIsRejected() throws {
        var query = try Fixture.presigned().rawQuery
        query += "&X-Amz-Date=20150830T123601Z"
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query))
            })
        #expect(error.message == "Query-string parameter 'X-Amz-Date' must appear only once.")
    }

    @Test("an unsupported presigned algorithm is named in the error")
    func unsupportedQueryAlgorithmIsRejected() throws {
        let query = try Fixture.presigned().rawQuery.replacingOccurrences(
            of: "AWS4-HMAC-SHA256", with: "AWS4-HMAC-SHA512")
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query))
            })
        #expect(error.message == "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'")
    }

    @Test("an unsupported header algorithm is named, but a token that may be a secret is not")
    func unsupportedAlgorithmEcho() throws {
        let named = Fixture.error { () throws(SigV4Error) in
            _ = try SigV4.parseAuthorization(
                request: Self.request(authorization: "AWS4-HMAC-SHA512 \(Self.credential)"))
        }
        #expect(named?.message == "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'")
        for value in ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEX Credential=x", "Zm9vYmFy0123 x", "lonelytoken"] {
            let error = Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: value))
            }
            #expect(error?.message == "Unsupported AWS 'algorithm'.")
        }
    }

    @Test("missing components are each named, AWS style, with the date when it is missing too")
    func missingComponentsAreNamed() throws {
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(
                    request: Self.request(authorization: "AWS4-HMAC-SHA256 \(Self.signedHeaders)"))
            })
        #expect(error.code == .incompleteSignature)
        #expect(
            error.message
                == "Authorization header requires 'Credential' parameter. "
                + "Authorization header requires 'Signature' parameter."
        )
        let withoutDate = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: "AWS4-HMAC-SHA256", date: nil))
            })
        #expect(
            withoutDate.message
                == "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
                + "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
                + "existence of either a 'X-Amz-Date' or a 'Date' header.")
    }

    @Test("a header-signed request without X-Amz-Date or Date is rejected as missing its date")
    func missingDateIsRejected() throws {
        let value = "AWS4-HMAC-SHA256 \(Self.credential), \(Self.signedHeaders), \(Self.signature)"
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: value, date: nil))
            })
        #expect(error.code == .missingDate)
        #expect(error.code.wireCode == "IncompleteSignature")
        #expect(error.code.httpStatus == 400)
        #expect(error.message == "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    }

    @Test("a Date header in ISO 8601 basic form stands in for X-Amz-Date; other forms are rejected")
    func dateHeaderFallback() throws {
        let value = "AWS4-HMAC-SHA256 \(Self.credential), SignedHeaders=date;host, \(Self.signature)"
        var request = Self.request(authorization: value, date: nil)
        request.headers.append(.init(name: "Date", value: "20150830T123600Z"))
        let auth = try #require(try SigV4.parseAuthorization(request: request))
        #expect(auth.timestampText == "20150830T123600Z")
        request.headers[request.headers.count - 1].value = "Sun, 30 Aug 2015 12:36:00 GMT"
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in _ = try SigV4.parseAuthorization(request: request) })
        #expect(error.code == .incompleteSignature)
        #expect(
            error.message
                == "Date must be in ISO-8601 'basic format'. Got 'Sun, 30 Aug 2015 12:36:00 GMT'. "
                + "See http://en.wikipedia.org/wiki/ISO_8601"
        )
    }

    @Test(
        "impossible X-Amz-Date values are rejected",
        arguments: [
            "20150230T123600Z", "20150830T243600Z", "20150830T126000Z", "20150830T123660Z", "20150830 123600Z",
            "20150830T123600", "2015-08-30T12:36:00Z", "20150830T123600Z0", "",
        ])
    func impossibleDateIsRejected(date: String) {
        let value = "AWS4-HMAC-SHA256 \(Self.credential), \(Self.signedHeaders), \(Self.signature)"
        #expect(throws: SigV4Error(.incompleteSignature, "")) {
            try SigV4.parseAuthorization(request: Self.request(authorization: value, date: date))
        }
    }

    @Test("leap days parse and format")
    func leapDayParses() throws {
        let value =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240229/us-east-1/sts/aws4_request, "
            + "\(Self.signedHeaders), \(Self.signature)"
        let auth = try #require(
            try SigV4.parseAuthorization(request: Self.request(authorization: value, date: "20240229T235959Z")))
        #expect(auth.timestamp == Date(timeIntervalSince1970: 1_709_251_199))
    }

    @Test("both an Authorization header and presigned query parameters are rejected")
    func bothMechanismsAreRejected() throws {
        let value = "AWS4-HMAC-SHA256 \(Self.credential), \(Self.signedHeaders), \(Self.signature)"
        let request = Self.request(authorization: value, query: "X-Amz-Signature=\(String(repeating: "ab", count: 32))")
        #expect(throws: SigV4Error(.incompleteSignature, "")) { try SigV4.parseAuthorization(request: request) }
    }

    @Test(
        "repeated Authorization, X-Amz-Date or X-Amz-Security-Token headers are rejected",
        arguments: ["Authorization", "X-Amz-Date", "X-Amz-Security-Token"])
    func repeatedHeaderIsRejected(name: String) throws {
        var request = try Fixture.headerSigned()
        let existing = try #require(request.headers.first { $0.name == name })
        request.headers.append(existing)
        #expect(throws: SigV4Error(.incompleteSignature, "")) { try SigV4.parseAuthorization(request: request) }
    }

    @Test("at most 64 signed headers are accepted")
    func signedHeaderCountIsBounded() throws {
        func names(_ count: Int) -> String {
            (0..<count).map { "h\(String(1000 + $0))" }.joined(separator: ";")
        }
        let ok = "AWS4-HMAC-SHA256 \(Self.credential), SignedHeaders=\(names(64)), \(Self.signature)"
        #expect(try SigV4.parseAuthorization(request: Self.request(authorization: ok))?.signedHeaders.count == 64)
        let tooMany = "AWS4-HMAC-SHA256 \(Self.credential), SignedHeaders=\(names(65)), \(Self.signature)"
        #expect(throws: SigV4Error(.incompleteSignature, "")) {
            try SigV4.parseAuthorization(request: Self.request(authorization: tooMany))
        }
    }

    @Test("a presigned parameter with invalid percent-encoding is a malformed query, not a missing signature")
    func malformedPresignedParameterIsRejected() throws {
        let query = try Fixture.presigned().rawQuery.replacingOccurrences(
            of: "X-Amz-Signature=", with: "X-Amz-Signature=%zz")
        #expect(throws: SigV4Error(.malformedQueryString, "")) {
            try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query))
        }
        #expect(throws: SigV4Error(.malformedQueryString, "")) {
            try SigV4.parseAuthorization(
                request: Self.request(authorization: nil, date: nil, query: "X-Amz-Credential=%"))
        }
    }

    @Test("a non-numeric X-Amz-Expires is rejected", arguments: ["", "-1", "1e3", "99999999", " 60"])
    func nonNumericExpiresIsRejected(value: String) throws {
        let query = try Fixture.presigned(expires: 60).rawQuery.replacingOccurrences(
            of: "X-Amz-Expires=60", with: "X-Amz-Expires=\(value)")
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                _ = try SigV4.parseAuthorization(request: Self.request(authorization: nil, date: nil, query: query))
            })
        #expect(error.message == "X-Amz-Expires should be a number")
    }
}
