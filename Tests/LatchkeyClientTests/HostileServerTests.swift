import Foundation
import LatchkeyClient
import Testing

/// The client against a scripted loopback server: retries, and every kind of bad answer.
@Suite struct HostileServerTests {
    static let key = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret")

    static func configuration(
        _ endpoint: String, retry: RetryPolicy, provider: (any AWSCredentialProvider)? = FixedCredentialProvider(key),
        timeout: Duration = .seconds(10)
    ) -> STSClient.Configuration {
        STSClient.Configuration(
            region: "eu-west-1", endpoint: endpoint, credentialProvider: provider, retryPolicy: retry, timeout: timeout,
            environment: [:])
    }

    @Test("A 500 followed by a 200 is retried once, re-signed, after a jittered backoff, and succeeds")
    func serverErrorIsRetried() async throws {
        let server = HostileServer([HostileServer.internalFailure, HostileServer.ok])
        let sleeps = SleepRecorder()
        let provider = FixedCredentialProvider(Self.key)
        let identity = try await server.run { endpoint in
            try await STSClient.withSTSClient(
                configuration: Self.configuration(endpoint, retry: sleeps.policy(), provider: provider)
            ) { try await $0.getCallerIdentity() }
        }
        #expect(identity.arn == "arn:aws:iam::123456789012:user/alice")
        #expect(identity.requestId == "req-ok")
        #expect(server.requests.count == 2)
        #expect(provider.callCount == 2)
        #expect(sleeps.delays == [.milliseconds(50)])
        for request in server.requests {
            let authorization = try #require(request.authorization)
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"))
            #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
            #expect(request.amzDate != nil)
            #expect(request.contentType == "application/x-www-form-urlencoded; charset=utf-8")
            #expect(request.body == "Action=GetCallerIdentity&Version=2011-06-15")
        }
    }

    @Test("A 400 that is not throttling is not retried and comes back as the service error")
    func clientErrorIsNotRetried() async throws {
        let server = HostileServer([
            .respond(
                status: 400, contentType: "text/xml", body: HostileServer.errorXML("InvalidParameterValue", "bad")),
            HostileServer.ok,
        ])
        let sleeps = SleepRecorder()
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: sleeps.policy())) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        let service = try #require(error?.serviceError)
        #expect(
            service
                == STSServiceError(
                    code: .invalidParameterValue, message: "bad", requestId: "req-err", httpStatus: 400, type: .sender))
        #expect(server.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test("Throttling is retried with exponential backoff until the attempts run out")
    func throttlingIsRetried() async throws {
        let recovering = HostileServer([HostileServer.throttled, HostileServer.throttled, HostileServer.ok])
        let sleeps = SleepRecorder()
        _ = try await recovering.run { endpoint in
            try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: sleeps.policy())) {
                try await $0.getCallerIdentity()
            }
        }
        #expect(recovering.requests.count == 3)
        #expect(sleeps.delays == [.milliseconds(50), .milliseconds(100)])

        let stuck = HostileServer([HostileServer.throttled])
        let error = await #expect(throws: STSClientError.self) {
            try await stuck.run { endpoint in
                try await STSClient.withSTSClient(
                    configuration: Self.configuration(endpoint, retry: SleepRecorder().policy())
                ) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        #expect(error?.serviceError?.code == .throttling)
        #expect(stuck.requests.count == 3)
    }

    @Test("An error code the client does not know is kept as its raw string with the fault type")
    func unknownCodeIsKeptRaw() async throws {
        let server = HostileServer([
            .respond(
                status: 409, contentType: "text/xml",
                body: HostileServer.errorXML("BrandNewThing", "new", type: "Receiver", requestId: "req-new"))
        ])
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: .none)) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        let service = try #require(error?.serviceError)
        #expect(service.code.rawValue == "BrandNewThing")
        #expect(!service.code.isKnown)
        #expect(service.type == .receiver)
        #expect(service.httpStatus == 409)
        #expect(service.requestId == "req-new")
    }

    struct BadAnswer: Sendable, CustomTestStringConvertible {
        var name: String
        var reply: HostileServer.Reply
        var status: Int
        var reason: String
        var bodyStart: String
        var testDescription: String { name }
    }

    static let badAnswers: [BadAnswer] = [
        BadAnswer(
            name: "truncated XML",
            reply: .respond(
                status: 200, contentType: "text/xml", body: String(HostileServer.callerIdentityXML.prefix(120))),
            status: 200, reason: "not a GetCallerIdentityResponse document", bodyStart: "<GetCallerIdentityResponse"),
        BadAnswer(
            name: "HTML with text/html",
            reply: .respond(
                status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><html>hi</html>"),
            status: 200, reason: "unexpected content type", bodyStart: "<!doctype html>"),
        BadAnswer(
            name: "empty 200", reply: .respond(status: 200, contentType: "text/xml", body: ""), status: 200,
            reason: "the body is empty", bodyStart: ""),
        BadAnswer(
            name: "302 redirect",
            reply: .respond(status: 302, contentType: nil, body: "", headers: [("Location", "http://127.0.0.1:1/")]),
            status: 302, reason: "unexpected status 302", bodyStart: ""),
        BadAnswer(
            name: "a 2 MiB body", reply: .huge(count: 2 * 1024 * 1024), status: 200,
            reason: "larger than 1048576 bytes",
            bodyStart: "aaaa"),
        BadAnswer(
            name: "403 with an HTML page",
            reply: .respond(status: 403, contentType: "text/html", body: "<html>Forbidden</html>"), status: 403,
            reason: "HTTP 403 without an AWS error document", bodyStart: "<html>"),
        BadAnswer(
            name: "the wrong response document",
            reply: .respond(
                status: 200, contentType: "text/xml",
                body: "<GetSessionTokenResponse><GetSessionTokenResult/></GetSessionTokenResponse>"),
            status: 200, reason: "not a GetCallerIdentityResponse document", bodyStart: "<GetSessionTokenResponse>"),
    ]

    @Test(
        "A bad answer is a malformedResponse error naming the status, content type, first bytes and what was wrong",
        arguments: badAnswers)
    func badAnswerIsTyped(_ answer: BadAnswer) async throws {
        let server = HostileServer([answer.reply])
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: .none)) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        guard case .malformedResponse(let response) = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(response.status == answer.status)
        #expect(response.reason.contains(answer.reason), "\(response.reason)")
        #expect(response.bodyPrefix.hasPrefix(answer.bodyStart))
        #expect(response.bodyPrefix.utf8.count <= 256)
        #expect(server.requests.count == 1)
    }

    @Test("Credentials missing a member in a 200 answer are a malformedResponse naming the member")
    func incompleteCredentialsAreMalformed() async throws {
        let body = """
            <GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
            <SecretAccessKey>s</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
            </GetSessionTokenResult></GetSessionTokenResponse>
            """
        let server = HostileServer([.respond(status: 200, contentType: "text/xml", body: body)])
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: .none)) {
                    try await $0.getSessionToken()
                }
            }
        }
        guard case .malformedResponse(let response) = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(response.reason.contains("SessionToken"))
    }

    @Test("A 503 HTML page from a proxy is retried, then reported as malformed with its status")
    func proxyErrorIsRetriedThenMalformed() async throws {
        let server = HostileServer([.respond(status: 503, contentType: "text/html", body: "<html>busy</html>")])
        let sleeps = SleepRecorder()
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: sleeps.policy())) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        guard case .malformedResponse(let response) = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(response.status == 503)
        #expect(server.requests.count == 3)
        #expect(sleeps.delays.count == 2)
    }

    // The timeout error on each of the two attempts proves the per-attempt timeout; no wall-clock bound decides the
    // test (a loaded machine is slow, not wrong); the time limit only stops a hang.
    @Test("A server that never answers fails each attempt with a timeout error", .timeLimit(.minutes(10)))
    func silentServerTimesOut() async throws {
        let server = HostileServer([.hang])
        let sleeps = SleepRecorder()
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(
                    configuration: Self.configuration(
                        endpoint, retry: sleeps.policy(maxAttempts: 2), timeout: .milliseconds(300))
                ) { try await $0.getCallerIdentity() }
            }
        }
        guard case .transport(let failure) = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(failure.isTimeout)
        #expect(failure.attempts == 2)
        #expect(sleeps.delays.count == 1)
    }

    @Test("A refused connection is a transport error, retried until the attempts run out")
    func refusedConnectionIsRetried() async throws {
        let sleeps = SleepRecorder()
        let error = await #expect(throws: STSClientError.self) {
            try await STSClient.withSTSClient(
                configuration: Self.configuration("http://127.0.0.1:1", retry: sleeps.policy())
            ) {
                try await $0.getCallerIdentity()
            }
        }
        guard case .transport(let failure) = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(!failure.isTimeout)
        #expect(failure.attempts == 3)
        #expect(sleeps.delays == [.milliseconds(50), .milliseconds(100)])
    }

    @Test("A signed operation without a credential provider fails before sending anything")
    func signedOperationNeedsCredentials() async throws {
        let server = HostileServer([HostileServer.ok])
        let error = await #expect(throws: STSClientError.self) {
            try await server.run { endpoint in
                try await STSClient.withSTSClient(
                    configuration: Self.configuration(endpoint, retry: .none, provider: nil)
                ) {
                    try await $0.getCallerIdentity()
                }
            }
        }
        guard case .missingCredentials = error else {
            Issue.record("expected missingCredentials, got \(String(describing: error))")
            return
        }
        #expect(server.requests.isEmpty)
    }

    @Test("AssumeRoleWithWebIdentity is sent without Authorization and its answer is decoded")
    func webIdentityIsUnsigned() async throws {
        let body = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\
            <AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>amzn1.account.X</SubjectFromWebIdentityToken>\
            <Audience>client.apps.example.com</Audience><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/R/app1</Arn>\
            <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId></AssumedRoleUser><Credentials>\
            <SessionToken>token</SessionToken><SecretAccessKey>secret</SecretAccessKey>\
            <Expiration>2014-10-24T23:00:23.123Z</Expiration><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId></Credentials>\
            <SourceIdentity>SourceIdentityValue</SourceIdentity><Provider>www.amazon.com</Provider>\
            <PackedPolicySize>6</PackedPolicySize></AssumeRoleWithWebIdentityResult><ResponseMetadata>\
            <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>
            """
        let server = HostileServer([.respond(status: 200, contentType: "text/xml", body: body)])
        let request = AssumeRoleWithWebIdentityRequest(
            roleArn: "arn:aws:iam::123456789012:role/R", roleSessionName: "app1",
            webIdentityToken: "Atza|IQEBLjAsAhRFiXuWpUXuRvQ9")
        let response = try await server.run { endpoint in
            try await STSClient.withSTSClient(configuration: Self.configuration(endpoint, retry: .none, provider: nil))
            {
                try await $0.assumeRoleWithWebIdentity(request)
            }
        }
        let sent = try #require(server.requests.first)
        #expect(sent.authorization == nil)
        #expect(sent.body == request.formEncodedBody)
        #expect(response.credentials?.accessKeyId == "ASIAIOSFODNN7EXAMPLE")
        #expect(response.credentials?.expiration == Date(timeIntervalSince1970: 1_414_191_623.123))
        #expect(response.subjectFromWebIdentityToken == "amzn1.account.X")
        #expect(response.provider == "www.amazon.com")
        #expect(response.audience == "client.apps.example.com")
        #expect(response.packedPolicySize == 6)
        #expect(response.sourceIdentity == "SourceIdentityValue")
        #expect(
            response.assumedRoleUser
                == AssumedRoleUser(
                    assumedRoleId: "AROACLKWSDQRAOEXAMPLE:app1", arn: "arn:aws:sts::123456789012:assumed-role/R/app1"))
        #expect(response.requestId == "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE")
    }

    @Test("Temporary credentials send X-Amz-Security-Token, and the Host signed is the endpoint's host and port")
    func sessionTokenIsSent() async throws {
        let server = HostileServer([HostileServer.ok])
        let provider = FixedCredentialProvider(
            accessKeyId: "ASIAEXAMPLE123456789", secretAccessKey: "s", sessionToken: "the-token")
        let port = try await server.run { endpoint in
            _ = try await STSClient.withSTSClient(
                configuration: Self.configuration(endpoint, retry: .none, provider: provider)
            ) {
                try await $0.getCallerIdentity()
            }
            return String(endpoint.split(separator: ":").last ?? "")
        }
        let sent = try #require(server.requests.first)
        #expect(sent.securityToken == "the-token")
        #expect(sent.host == "127.0.0.1:\(port)")
        #expect(sent.authorization?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token") == true)
    }
}
