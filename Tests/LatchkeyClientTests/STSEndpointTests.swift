import AsyncHTTPClient
import LatchkeyClient
import Testing

@Suite struct STSEndpointTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var explicit: String?
        var environment: [String: String]
        var region: String
        var expected: String
        var testDescription: String { expected }
    }

    static let resolutionCases: [Case] = [
        Case(
            explicit: "http://127.0.0.1:8080",
            environment: ["AWS_ENDPOINT_URL_STS": "http://sts.local", "AWS_ENDPOINT_URL": "http://all.local"],
            region: "eu-west-1", expected: "http://127.0.0.1:8080"),
        Case(
            explicit: nil,
            environment: ["AWS_ENDPOINT_URL_STS": "http://sts.local", "AWS_ENDPOINT_URL": "http://all.local"],
            region: "eu-west-1", expected: "http://sts.local"),
        Case(
            explicit: nil, environment: ["AWS_ENDPOINT_URL": "http://all.local"], region: "eu-west-1",
            expected: "http://all.local"),
        Case(
            explicit: nil, environment: ["AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": "http://all.local"],
            region: "eu-west-1", expected: "http://all.local"),
        Case(explicit: nil, environment: [:], region: "eu-west-1", expected: "https://sts.eu-west-1.amazonaws.com"),
        Case(explicit: nil, environment: [:], region: "us-east-1", expected: "https://sts.us-east-1.amazonaws.com"),
        Case(
            explicit: nil, environment: [:], region: "cn-north-1", expected: "https://sts.cn-north-1.amazonaws.com.cn"),
        Case(explicit: "  ", environment: [:], region: "ap-south-1", expected: "https://sts.ap-south-1.amazonaws.com"),
    ]

    @Test(
        "The endpoint is the explicit one, then AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the regional one",
        arguments: resolutionCases)
    func resolution(_ testCase: Case) {
        #expect(
            STSEndpoint.resolve(explicit: testCase.explicit, region: testCase.region, environment: testCase.environment)
                == testCase.expected)
        let client = STSClient(
            configuration: .init(
                region: testCase.region, endpoint: testCase.explicit, environment: testCase.environment),
            httpClient: .shared)
        #expect(client.resolvedEndpoint == testCase.expected)
    }

    @Test(
        "The region is the configured one, then AWS_REGION, then AWS_DEFAULT_REGION, else us-east-1",
        arguments: [
            (String?("ca-central-1"), ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"], "ca-central-1"),
            (nil, ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"], "eu-west-1"),
            (nil, ["AWS_DEFAULT_REGION": "eu-west-2"], "eu-west-2"),
            (nil, ["AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-2"], "eu-west-2"),
            (nil, [:], "us-east-1"),
        ] as [(String?, [String: String], String)])
    func region(configured: String?, environment: [String: String], expected: String) {
        #expect(STSEndpoint.resolveRegion(configured: configured, environment: environment) == expected)
        let client = STSClient(configuration: .init(region: configured, environment: environment), httpClient: .shared)
        #expect(client.region == expected)
        #expect(client.resolvedEndpoint == "https://sts.\(expected).amazonaws.com")
    }

    @Test(
        "Endpoint URLs parse into scheme, host, port and path, and the signed Host omits a default port",
        arguments: [
            ("http://127.0.0.1:8080", "http", "127.0.0.1", Int?(8080), "/", "127.0.0.1:8080"),
            (
                "https://sts.eu-west-1.amazonaws.com", "https", "sts.eu-west-1.amazonaws.com", nil, "/",
                "sts.eu-west-1.amazonaws.com"
            ),
            ("HTTPS://STS.Example.com:443/prefix/", "https", "sts.example.com", 443, "/prefix/", "sts.example.com"),
            ("http://[::1]:9000", "http", "[::1]", 9000, "/", "[::1]:9000"),
            ("http://localhost:80", "http", "localhost", 80, "/", "localhost"),
        ] as [(String, String, String, Int?, String, String)])
    func parsing(text: String, scheme: String, host: String, port: Int?, path: String, hostHeader: String) throws {
        let endpoint = try STSEndpoint(parsing: text)
        #expect(endpoint.scheme == scheme)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
        #expect(endpoint.path == path)
        #expect(endpoint.hostHeader == hostHeader)
    }

    @Test(
        "A malformed endpoint URL is rejected with invalidEndpoint naming the problem",
        arguments: [
            ("127.0.0.1:8080", "no scheme"), ("ftp://example.com", "not http or https"), ("http://", "no host"),
            ("http://user:pw@example.com", "user information"), ("http://example.com:0", "invalid port"),
            ("http://example.com:99999", "invalid port"), ("http://example.com:80a", "invalid port"),
            ("http://exa mple.com", "invalid host"), ("http://example.com/?a=b", "query or fragment"),
            ("http://[::1", "unclosed IPv6"), ("http://[zz]:1", "invalid IPv6"), ("http://example.com/a b", "invalid"),
        ])
    func rejectsMalformedEndpoint(text: String, problem: String) {
        do throws(STSClientError) {
            _ = try STSEndpoint(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            guard case .invalidEndpoint(let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(message.contains(problem), "\(message)")
        }
    }

    @Test("A call with an invalid endpoint fails with invalidEndpoint instead of crashing")
    func callWithInvalidEndpointFails() async {
        let client = STSClient(configuration: .init(endpoint: "not a url", environment: [:]), httpClient: .shared)
        let error = await #expect(throws: STSClientError.self) { try await client.getCallerIdentity() }
        guard case .invalidEndpoint = error else {
            Issue.record("expected invalidEndpoint, got \(String(describing: error))")
            return
        }
    }
}
