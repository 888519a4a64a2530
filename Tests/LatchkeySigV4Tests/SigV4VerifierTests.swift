import Foundation
import LatchkeySigV4
import Testing

@Suite struct SigV4VerifierTests {
    static let mismatchText =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        + "Access Key and signing method. Consult the service documentation for details."

    @Test("an untouched header-signed request verifies")
    func untouchedRequestVerifies() throws {
        try Fixture.verify(try Fixture.headerSigned())
    }

    @Test("an untouched presigned request verifies")
    func untouchedPresignedRequestVerifies() throws {
        try Fixture.verify(try Fixture.presigned())
    }

    @Test("a tampered header value is rejected")
    func tamperedHeaderValueIsRejected() throws {
        let request = Fixture.replacingHeader(try Fixture.headerSigned(), "Content-Type", with: "text/plain")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(error.message == Self.mismatchText)
    }

    @Test("a tampered body hash is rejected")
    func tamperedBodyHashIsRejected() throws {
        var request = try Fixture.headerSigned()
        request.payloadHash = SignableRequest.hashPayload(Data("Action=AssumeRole&Version=2011-06-15".utf8))
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) { try Fixture.verify(request) }
    }

    @Test("a tampered query string is rejected")
    func tamperedQueryIsRejected() throws {
        var request = try Fixture.signer().sign(Fixture.getRequest(), date: Fixture.date).request
        try Fixture.verify(request)
        request.rawQuery = "Action=GetCallerIdentity&Version=2011-06-16"
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) { try Fixture.verify(request) }
        var presigned = try Fixture.presigned()
        presigned.rawQuery = presigned.rawQuery.replacingOccurrences(of: "GetCallerIdentity", with: "AssumeRole")
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) { try Fixture.verify(presigned) }
    }

    @Test("a wrong secret is rejected")
    func wrongSecretIsRejected() throws {
        let request = try Fixture.headerSigned()
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) {
            try Fixture.verify(request, secret: "another-secret")
        }
    }

    @Test("a signature in uppercase hex is rejected")
    func uppercaseSignatureIsRejected() throws {
        let request = try Fixture.headerSigned()
        let authorization = Fixture.authorizationValue(request)
        let signature = String(try #require(authorization.split(separator: "=").last))
        let upper = Fixture.replacingAuthorization(request, signature, with: signature.uppercased())
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(upper) })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(error.message == Self.mismatchText)
    }

    @Test("a duplicate SignedHeaders component is rejected")
    func duplicateSignedHeadersComponentIsRejected() throws {
        let request = try Fixture.headerSigned()
        let duplicated = Fixture.replacingAuthorization(
            request, ", Signature=", with: ", SignedHeaders=host, Signature=")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(duplicated) })
        #expect(error.code == .incompleteSignature)
        #expect(error.message == "Authorization header has duplicate 'SignedHeaders' parameter.")
    }

    @Test("a duplicate Credential component is rejected")
    func duplicateCredentialComponentIsRejected() throws {
        let request = try Fixture.headerSigned()
        let duplicated = Fixture.replacingAuthorization(
            request, ", SignedHeaders=",
            with: ", Credential=AKIDOTHER/20150830/us-east-1/sts/aws4_request, SignedHeaders=")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(duplicated) })
        #expect(error.code == .incompleteSignature)
        #expect(error.message == "Authorization header has duplicate 'Credential' parameter.")
    }

    @Test("a request whose signed headers omit host is rejected")
    func missingHostInSignedHeadersIsRejected() throws {
        let request = try Fixture.headerSigned(token: nil)
        let withoutHost = Fixture.replacingAuthorization(
            request, "SignedHeaders=content-type;host;x-amz-date", with: "SignedHeaders=content-type;x-amz-date")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(withoutHost) })
        #expect(error.code == .incompleteSignature)
        #expect(error.message == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    }

    @Test("a signed header that is not in the request is rejected")
    func absentSignedHeaderIsRejected() throws {
        var request = try Fixture.headerSigned(token: nil)
        request.headers.removeAll { $0.name == "Content-Type" }
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .incompleteSignature)
        #expect(error.message == "Header 'content-type' is listed in SignedHeaders but is not in the request.")
    }

    @Test("clock skew of exactly 15 minutes either way is accepted", arguments: [-900.0, 900.0, 900.9, -899.5])
    func skewAtTheLimitIsAccepted(offset: Double) throws {
        try Fixture.verify(try Fixture.headerSigned(), now: Fixture.date.addingTimeInterval(offset))
    }

    @Test("a request 15 minutes and 1 second old is rejected as expired")
    func pastSkewIsRejected() throws {
        let request = try Fixture.headerSigned()
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                try Fixture.verify(request, now: Fixture.date.addingTimeInterval(901))
            })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(error.code.wireCode == "SignatureDoesNotMatch")
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
                + "(20150830T125101Z - 15 min.)"
        )
    }

    @Test("a request dated 15 minutes and 1 second ahead is rejected as not yet current")
    func futureSkewIsRejected() throws {
        let request = try Fixture.headerSigned()
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                try Fixture.verify(request, now: Fixture.date.addingTimeInterval(-901))
            })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(
            error.message
                == "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
                + "(20150830T122059Z + 15 min.)")
    }

    @Test("a presigned URL past its X-Amz-Expires is rejected as expired")
    func presignedExpiredIsRejected() throws {
        let request = try Fixture.presigned(expires: 60)
        try Fixture.verify(request, now: Fixture.date.addingTimeInterval(60))
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                try Fixture.verify(request, now: Fixture.date.addingTimeInterval(61))
            })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
                + "(20150830T123701Z - 1 min.)"
        )
    }

    @Test("a presigned URL with a validity that is not whole minutes reports seconds")
    func presignedExpiredReportsSeconds() throws {
        let request = try Fixture.presigned(expires: 90)
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                try Fixture.verify(request, now: Fixture.date.addingTimeInterval(91))
            })
        #expect(
            error.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
                + "(20150830T123731Z - 90 sec.)"
        )
    }

    @Test("presigned validity is capped at 15 minutes whatever X-Amz-Expires says")
    func presignedValidityIsCapped() throws {
        let request = try Fixture.presigned(expires: 604_800)
        try Fixture.verify(request, now: Fixture.date.addingTimeInterval(900))
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in
                try Fixture.verify(request, now: Fixture.date.addingTimeInterval(901))
            })
        #expect(error.message.hasSuffix("(20150830T125101Z - 15 min.)"))
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) {
            try Fixture.verify(request, now: Fixture.date.addingTimeInterval(-901))
        }
        try Fixture.verify(request, now: Fixture.date.addingTimeInterval(-900))
    }

    @Test(
        "X-Amz-Expires outside 1...604800 is rejected",
        arguments: [
            ("0", "X-Amz-Expires must be at least 1 second"),
            ("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800"),
        ])
    func expiresOutOfRangeIsRejected(value: String, message: String) throws {
        var request = try Fixture.presigned(expires: 60)
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "X-Amz-Expires=60", with: "X-Amz-Expires=\(value)")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .incompleteSignature)
        #expect(error.message == message)
    }

    @Test("a scope naming another service is rejected")
    func wrongServiceIsRejected() throws {
        let request = try Fixture.headerSigned()
        let error = try #require(
            Fixture.error { () throws(SigV4Error) in try Fixture.verify(request, service: "iam") })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(error.message == "Credential should be scoped to correct service: 'iam'. ")
        try Fixture.verify(request, service: nil)
    }

    @Test("a scope with a wrong terminator is rejected")
    func wrongTerminatorIsRejected() throws {
        let request = Fixture.replacingAuthorization(try Fixture.headerSigned(), "/aws4_request", with: "/aws4_reqest")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(
            error.message == "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. ")
    }

    @Test("a scope date that differs from the request date is rejected")
    func scopeDateMismatchIsRejected() throws {
        let request = Fixture.replacingAuthorization(try Fixture.headerSigned(), "/20150830/", with: "/20150829/")
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .signatureDoesNotMatch)
        #expect(
            error.message
                == "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + "'20150829' != '20150830', from '20150830T123600Z'.")
    }

    @Test("scope checks run in order: terminator, then date, then service")
    func scopeChecksRunInOrder() throws {
        var request = Fixture.replacingAuthorization(try Fixture.headerSigned(), "/20150830/", with: "/20150829/")
        request = Fixture.replacingAuthorization(request, "/aws4_request", with: "/aws5_request")
        let first = try #require(
            Fixture.error { () throws(SigV4Error) in try Fixture.verify(request, service: "iam") })
        #expect(first.message.hasPrefix("Credential should be scoped with a valid terminator"))
        request = Fixture.replacingAuthorization(request, "/aws5_request", with: "/aws4_request")
        let second = try #require(
            Fixture.error { () throws(SigV4Error) in try Fixture.verify(request, service: "iam") })
        #expect(second.message.hasPrefix("Date in Credential scope does not match"))
    }

    @Test("a cached signing key verifies, and a key for another scope is rejected")
    func cachedSigningKey() throws {
        let request = try Fixture.headerSigned()
        let auth = try #require(try SigV4.parseAuthorization(request: request))
        let key = SigV4.signingKey(
            secretAccessKey: Fixture.secret, date: "20150830", region: "us-east-1", service: "sts")
        try SigV4.verify(auth, request: request, signingKey: key, now: Fixture.date, expectedService: "sts")
        let otherDay = SigV4.signingKey(
            secretAccessKey: Fixture.secret, date: "20150831", region: "us-east-1", service: "sts")
        #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) {
            try SigV4.verify(auth, request: request, signingKey: otherDay, now: Fixture.date, expectedService: "sts")
        }
    }

    @Test("invalid percent-encoding in the query of a signed request is a malformed query string")
    func malformedQueryIsRejected() throws {
        var request = try Fixture.headerSigned()
        request.rawQuery = "Action=%zz"
        let error = try #require(Fixture.error { () throws(SigV4Error) in try Fixture.verify(request) })
        #expect(error.code == .malformedQueryString)
        #expect(error.code.wireCode == "MalformedQueryString")
    }

    @Test("no error message contains the secret, the signature, the token or the Authorization header")
    func errorMessagesNeverLeakSecrets() throws {
        let signed = try Fixture.headerSigned()
        let authorization = Fixture.authorizationValue(signed)
        let signature = String(try #require(authorization.split(separator: "=").last))
        let presigned = try Fixture.presigned()
        let presignedSignature = String(try #require(presigned.rawQuery.split(separator: "=").last))
        var tampered = signed
        tampered.payloadHash = SigV4.emptyPayloadHash
        struct Case {
            var request: SignableRequest
            var offset: TimeInterval = 0
            var secret = Fixture.secret
            var service = "sts"
        }
        var cases: [Case] = [
            Case(request: tampered),
            Case(request: signed, secret: "wrong"),
            Case(request: signed, offset: 5000),
            Case(request: signed, offset: -5000),
            Case(request: signed, service: "iam"),
            Case(request: presigned, offset: 5000),
            Case(request: Fixture.replacingHeader(signed, "Authorization", with: Fixture.secret + " " + Fixture.token)),
        ]
        for garbage in SigV4ParserTests.garbage {
            cases.append(Case(request: Fixture.replacingHeader(signed, "Authorization", with: garbage.value)))
        }
        var checked = 0
        for testCase in cases {
            let error = try #require(
                Fixture.error { () throws(SigV4Error) in
                    try Fixture.verify(
                        testCase.request, now: Fixture.date.addingTimeInterval(testCase.offset),
                        secret: testCase.secret,
                        service: testCase.service)
                })
            for secret in [Fixture.secret, Fixture.token, signature, presignedSignature, authorization] {
                #expect(!error.message.contains(secret))
                #expect(!error.description.contains(secret))
            }
            checked += 1
        }
        #expect(checked == cases.count)
    }
}
