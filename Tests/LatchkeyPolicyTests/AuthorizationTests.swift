import LatchkeyBase
import Testing

@testable import LatchkeyPolicy

/// One row of `Fixtures/combination.json`.
struct CombinationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: AuthorizationInput?
    let problem: String?
    let allowed: Bool
    let explicitDeny: Bool
    let reason: String?
    let statements: [String]?

    var testDescription: String { name }

    static let all: [CombinationCase] = load()

    private static func load() -> [CombinationCase] {
        let root: JSONObject
        do { root = try Fixtures.root("combination") } catch {
            return [
                CombinationCase(
                    name: "unloadable: \(error)", input: nil, problem: "\(error)", allowed: false, explicitDeny: false,
                    reason: nil, statements: nil)
            ]
        }
        guard case .object(let policies)? = root["policies"], case .object(let principals)? = root["principals"] else {
            return []
        }
        return Fixtures.objects(root["cases"]).map { row in
            let name = Fixtures.string(row, "name") ?? "?"
            var expect = JSONObject(members: [])
            if case .object(let object)? = row["expect"] { expect = object }
            func named(_ id: String, _ kind: PolicyKind) throws -> NamedPolicy {
                guard let policy = policies[id] else { throw Fixtures.LoadError(description: "no policy \(id)") }
                return NamedPolicy(id: id, document: try PolicyDocument.parse(policy.serialized, kind: kind))
            }
            var input: AuthorizationInput?
            var problem: String?
            do {
                guard case .object(let requestObject)? = row["request"] else {
                    throw Fixtures.LoadError(description: "no request")
                }
                let base = Fixtures.request(requestObject)
                let principal = Fixtures.principal(Fixtures.string(row, "principal").flatMap { principals[$0] })
                let request = PolicyRequest(
                    action: base.action, resource: base.resource, principal: principal, context: base.context)
                let account = Fixtures.string(row, "account") ?? "111122223333"
                input = AuthorizationInput(
                    request: request, principalAccount: account,
                    resourceAccount: Fixtures.string(row, "resourceAccount") ?? "111122223333",
                    identityPolicies: try Fixtures.strings(row["identity"]).map { try named($0, .identity) },
                    resourcePolicy: try Fixtures.string(row, "resource").map { try named($0, .resource) },
                    permissionsBoundary: try Fixtures.string(row, "boundary").map {
                        try named($0, .permissionsBoundary)
                    },
                    sessionPolicies: try row["session"].map { try Fixtures.strings($0).map { try named($0, .session) } }
                )
            } catch {
                problem = "\(error)"
            }
            var allowed = false
            var explicitDeny = false
            if case .bool(let flag)? = expect["allowed"] { allowed = flag }
            if case .bool(let flag)? = expect["explicitDeny"] { explicitDeny = flag }
            return CombinationCase(
                name: name, input: input, problem: problem, allowed: allowed, explicitDeny: explicitDeny,
                reason: Fixtures.string(expect, "reason"), statements: expect["statements"].map { Fixtures.strings($0) }
            )
        }
    }
}

/// `Authorization.decide`: AWS's evaluation logic across identity, resource, boundary and session policies.
@Suite struct AuthorizationTests {
    @Test("the combination table holds every rule of the evaluation logic pages")
    func tableIsComplete() {
        #expect(CombinationCase.all.count >= 30)
    }

    @Test("every combination case reaches the documented decision", arguments: CombinationCase.all)
    func combinationCase(_ testCase: CombinationCase) throws {
        let input = try #require(testCase.input, "\(testCase.problem ?? "")")
        let decision = Authorization.decide(input)
        #expect(decision.isAllowed == testCase.allowed)
        #expect(decision.isExplicitDeny == testCase.explicitDeny)
        if let reason = testCase.reason {
            #expect(decision.reason == reason)
        }
        if let statements = testCase.statements {
            #expect(decision.matchedStatements.map { $0.sid ?? "" } == statements)
        }
        if !decision.isAllowed, !decision.isExplicitDeny {
            #expect(decision.matchedStatements.isEmpty)
        }
    }

    @Test("matched statements carry the policy identifier, kind, index and effect")
    func statementReferencesNameTheirPolicy() throws {
        let document = try PolicyDocument.parse(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#,
            kind: .identity
        )
        let request = PolicyRequest(action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k")
        let decision = Authorization.decide(
            AuthorizationInput(
                request: request, principalAccount: "111122223333", resourceAccount: "111122223333",
                identityPolicies: [NamedPolicy(id: "arn:aws:iam::111122223333:policy/P", document: document)]
            )
        )
        #expect(
            decision.matchedStatements == [
                StatementReference(
                    policyId: "arn:aws:iam::111122223333:policy/P", policyKind: .identity, sid: "D", index: 1,
                    effect: .deny
                )
            ]
        )
    }
}
