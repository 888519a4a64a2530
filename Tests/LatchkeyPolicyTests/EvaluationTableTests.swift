import LatchkeyPolicy
import Testing

/// The JSON case tables of `Fixtures/`: one policy, one request, the expected outcome.
@Suite struct EvaluationTableTests {
    @Test("the case tables hold at least 150 evaluation cases")
    func tablesAreLargeEnough() {
        #expect(EvaluationCase.all.count >= 150)
        #expect(!EvaluationCase.all.contains { $0.expect == "unloadable" })
    }

    @Test("every table case evaluates to its expected outcome", arguments: EvaluationCase.all)
    func tableCase(_ testCase: EvaluationCase) throws {
        let document = try PolicyDocument.parse(testCase.policyText, kind: testCase.kind)
        let outcome = document.evaluate(testCase.request)
        let actual =
            switch outcome.decision {
            case .explicitDeny: "deny"
            case .allow: "allow"
            case .neither: "neither"
            }
        #expect(outcome.isNeither == (actual == "neither"))
        #expect(actual == testCase.expect)
        if let expected = testCase.principalMatch {
            #expect(outcome.principalMatch == expected)
        }
        if let sids = testCase.statements {
            let deciding = outcome.isExplicitDeny ? outcome.denyingStatements : outcome.allowingStatements
            #expect(deciding.map { $0.sid ?? "" } == sids)
        }
    }

    @Test("a document reports statements under the caller's policy identifier, or its Id element")
    func policyIdentifiers() throws {
        let document = try PolicyDocument.parse(
            #"{"Version":"2012-10-17","Id":"Doc","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            kind: .identity
        )
        let request = PolicyRequest(action: "s3:GetObject", resource: "*")
        #expect(document.evaluate(request).allowingStatements.map(\.policyId) == ["Doc"])
        #expect(
            document.evaluate(request, policyId: "arn:aws:iam::111122223333:policy/P").allowingStatements.map(
                \.policyId) == ["arn:aws:iam::111122223333:policy/P"])
        #expect(document.evaluate(request).allowingStatements.first?.policyKind == .identity)
    }
}
