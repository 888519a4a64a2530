import LatchkeyPolicy
import Testing

/// A small deterministic generator (SplitMix64), so every run fuzzes the same inputs and a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Seeded fuzzing of the parser and the evaluator: no input crashes or stalls them.
@Suite struct FuzzTests {
    /// Fragments that steer mutations towards the grammar's corners.
    static let fragments = [
        "{", "}", "[", "]", "\"", ",", ":", "*", "?", "${", "}", "${*}", "${aws:username}", "${aws:x, 'd'}", "\\u0000",
        "\\ud800", "\\\"", "0", "-1.5e3", "true", "null", "\"Effect\"", "\"Allow\"", "\"Deny\"", "\"Action\"",
        "\"NotAction\"", "\"Resource\"", "\"Principal\"", "\"NotPrincipal\"", "\"Condition\"", "\"Statement\"",
        "\"Version\"", "\"2012-10-17\"", "\"StringLike\"", "\"ForAllValues:StringEquals\"", "\"NumericLessThan\"",
        "\"DateGreaterThan\"", "\"IpAddress\"", "\"ArnLike\"", "\"Null\"", "\"BinaryEquals\"", "\"aws:SourceIp\"",
        "\"arn:aws:s3:::*\"", "\"10.0.0.0/8\"", "\"2020-01-01T00:00:00Z\"", "\"AWS\"", "\"111122223333\"", "é", "😀",
        "\t", "\n", " ",
    ]

    static let actions = ["s3:GetObject", "sts:AssumeRole", "iam:CreateAccessKey", "ec2:RunInstances", "x:y", "*"]
    static let resources = [
        "*", "arn:aws:s3:::bucket/alice/x", "arn:aws:iam::111122223333:user/alice",
        "arn:aws:sqs:us-east-2:111122223333:q",
        "not-an-arn", "",
    ]
    static let keys = [
        "aws:username", "aws:SourceIp", "aws:CurrentTime", "aws:TagKeys", "s3:prefix", "s3:max-keys", "aws:SourceArn",
        "aws:SecureTransport", "aws:PrincipalTag/team", "a:a", "x:y",
    ]
    static let values = [
        "alice", "10.1.2.3", "2001:db8::1", "2024-01-01T00:00:00Z", "1700000000", "true", "false", "10", "-3.5",
        "arn:aws:sns:us-east-1:111122223333:t", "QmluYXJ5", "", "*", "${aws:username}", "é😀",
    ]

    static func randomRequest(_ generator: inout SeededGenerator) -> PolicyRequest {
        var context: [String: [String]] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            let count = Int.random(in: 0...3, using: &generator)
            context[keys.randomElement(using: &generator) ?? "a:a"] = (0..<count).map { _ in
                values.randomElement(using: &generator) ?? ""
            }
        }
        let principal: PolicyPrincipal? =
            Bool.random(using: &generator)
            ? .aws(
                "arn:aws:sts::111122223333:assumed-role/R/s", derivedFrom: ["arn:aws:iam::111122223333:role/R"],
                account: "111122223333"
            ) : nil
        return PolicyRequest(
            action: actions.randomElement(using: &generator) ?? "*",
            resource: resources.randomElement(using: &generator) ?? "*", principal: principal, context: context
        )
    }

    /// Parses `text` as every kind; evaluates what parses against a few random requests.
    static func exercise(_ text: String, _ generator: inout SeededGenerator) -> Int {
        var parsed = 0
        for kind in PolicyKind.allCases {
            guard let document = try? PolicyDocument.parse(text, kind: kind, limits: .managedPolicy) else { continue }
            parsed += 1
            for _ in 0..<3 {
                let outcome = document.evaluate(randomRequest(&generator))
                #expect(outcome.denyingStatements.count + outcome.allowingStatements.count <= document.statements.count)
            }
        }
        return parsed
    }

    @Test("random bytes never crash the parser")
    func randomBytes() {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        let alphabet = Array(#"{}[]":,*?$ \tAllowDenyEffectActionResource0123456789-.eE\u"#.utf8)
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator)
                    ? (alphabet.randomElement(using: &generator) ?? 0) : UInt8.random(in: 0...255, using: &generator)
            }
            _ = FuzzTests.exercise(String(decoding: bytes, as: UTF8.self), &generator)
        }
    }

    @Test("mutations of valid policies never crash the parser or the evaluator")
    func mutatedPolicies() {
        var generator = SeededGenerator(seed: 0x5EED_0002)
        let corpus = Array(
            Set(EvaluationCase.all.map(\.policyText) + ParseCase.all.filter { $0.code == nil }.map(\.text))
        )
        .sorted()
        #expect(corpus.count > 50)
        var accepted = 0
        for _ in 0..<6_000 {
            guard var text = corpus.randomElement(using: &generator).map(Array.init) else { continue }
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                FuzzTests.mutate(&text, &generator)
            }
            accepted += FuzzTests.exercise(String(text), &generator) > 0 ? 1 : 0
        }
        // Mutations keep a fair share of documents valid, so the evaluator is exercised too.
        #expect(accepted > 100)
    }

    static func mutate(_ text: inout [Character], _ generator: inout SeededGenerator) {
        guard !text.isEmpty else {
            text = Array(fragments.randomElement(using: &generator) ?? "{")
            return
        }
        let position = Int.random(in: 0..<text.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
            text.insert(contentsOf: fragments.randomElement(using: &generator) ?? "", at: position)
        case 1:
            let end = min(text.count, position + Int.random(in: 1...8, using: &generator))
            text.removeSubrange(position..<end)
        case 2:
            let end = min(text.count, position + Int.random(in: 1...40, using: &generator))
            let copy = text[position..<end]
            text.insert(contentsOf: copy, at: Int.random(in: 0...text.count, using: &generator))
        case 3:
            text[position] = (fragments.randomElement(using: &generator) ?? "x").first ?? "x"
        default:
            let other = Int.random(in: 0..<text.count, using: &generator)
            text.swapAt(position, other)
        }
    }

    @Test("deep nesting is refused without recursing through it")
    func deepNestingIsRefused() {
        let limits = PolicyLimits(maxCharacters: 131_072, countsWhitespace: true)
        for opener in ["[", "{\"a\":"] {
            let text = String(repeating: opener, count: 60_000)
            #expect(throws: PolicyError.self) { try PolicyDocument.parse(text, kind: .identity, limits: limits) }
        }
    }

    @Test("pathological wildcards evaluate in bounded time")
    func pathologicalWildcardsStayFast() throws {
        // `*a*a*a…*b` against `aaaa…`: exponential for a backtracking matcher, quadratic at worst here.
        let pattern = String(repeating: "*a", count: 1_000) + "*b"
        let text =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:\#(pattern)","Resource":"arn:aws:s3:::\#(pattern)","Condition":{"StringLike":{"s3:prefix":"\#(pattern)"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::\#(pattern)"}}}]}"#
        let limits = PolicyLimits(maxCharacters: 131_072, countsWhitespace: true)
        let document = try PolicyDocument.parse(text, kind: .identity, limits: limits)
        let long = String(repeating: "a", count: 2_000)
        let request = PolicyRequest(
            action: "s3:" + long, resource: "arn:aws:s3:::" + long,
            context: ["s3:prefix": [long], "aws:SourceArn": ["arn:aws:s3:::" + long]]
        )
        // CPU time of this thread, not wall time: the bound tests the matcher's cost whatever the machine's load.
        let (decision, cpu) = threadCPUTime { document.evaluate(request) }
        #expect(decision.isNeither)
        #expect(cpu < .seconds(5))
    }

    @Test("a large generated policy evaluates many requests quickly")
    func largePolicyEvaluationIsFast() throws {
        var generator = SeededGenerator(seed: 0x5EED_0003)
        let statements = (0..<100).map { index in
            #"{"Sid":"S\#(index)","Effect":"\#(index % 7 == 0 ? "Deny" : "Allow")","Action":["s3:Get*","sts:Assume\#(index)*"],"Resource":"arn:aws:s3:::bucket-\#(index)/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*","shared/*"]},"IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}}"#
        }
        let text = #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
        let limits = PolicyLimits(maxCharacters: 131_072, countsWhitespace: true)
        let document = try PolicyDocument.parse(text, kind: .identity, limits: limits)
        let requests = (0..<200).map { _ in
            PolicyRequest(
                action: "s3:GetObject",
                resource: "arn:aws:s3:::bucket-\(Int.random(in: 0..<100, using: &generator))/alice/x",
                context: ["aws:username": ["alice"], "s3:prefix": ["home/alice/docs"], "aws:SourceIp": ["10.1.2.3"]]
            )
        }
        let (allowed, cpu) = threadCPUTime { requests.filter { document.evaluate($0).isAllowed }.count }
        #expect(allowed > 0)
        #expect(cpu < .seconds(5))
    }

    @Test("text full of unclosed variables parses in linear time")
    func unclosedVariablesStayLinear() throws {
        let value = String(repeating: "${", count: 30_000)
        let text =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::\#(value)","Condition":{"StringLike":{"s3:prefix":"\#(value)"}}}}"#
        let limits = PolicyLimits(maxCharacters: 131_072, countsWhitespace: true)
        let (allowed, cpu) = try threadCPUTime {
            let document = try PolicyDocument.parse(text, kind: .identity, limits: limits)
            return document.evaluate(
                PolicyRequest(
                    action: "s3:GetObject", resource: "arn:aws:s3:::" + value, context: ["s3:prefix": [value]])
            ).isAllowed
        }
        #expect(allowed)
        #expect(cpu < .seconds(5))
    }
}
