import Testing
import LatchkeyPolicy

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
        let actual = outcome.isExplicitDeny ? "deny" : outcome.isAllowed ? "allow" : "neither"
        #expect(actual == testCase.expect)
        if let expected = testCase.principalMatch {
            #expect(outcome.principalMatch == expected)
        }
        if let sids = testCase.statements {
            let deciding = outcome.isExplicitDeny ? outcome.denyingStatements : outcome.allowingStatements
            #expect(deciding.map { $0.sid ?? "" } == sids)
        }
    }
}
