import LatchkeyBase
import LatchkeyModel
import Testing

@testable import LatchkeyPolicy

/// One row of `Fixtures/parse-errors.json`: a document, its kind, and the error IAM gives (or none).
struct ParseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: PolicyKind
    let text: String
    let code: String?
    let message: String?

    var testDescription: String { name }

    static let all: [ParseCase] = {
        do {
            let root = try Fixtures.root("parse-errors")
            return Fixtures.objects(root["cases"]).map { row in
                ParseCase(
                    name: Fixtures.string(row, "name") ?? "?", kind: Fixtures.kind(row),
                    text: Fixtures.policyText(row) ?? "", code: Fixtures.string(row, "code"),
                    message: Fixtures.string(row, "message")
                )
            }
        } catch {
            return [
                ParseCase(name: "unloadable: \(error)", kind: .identity, text: "", code: "unloadable", message: nil)
            ]
        }
    }()
}

/// Parsing: AWS's `MalformedPolicyDocument` messages, limits, and what must still be accepted.
@Suite struct ParseErrorTests {
    @Test("every parse case is refused with its code and message, or accepted", arguments: ParseCase.all)
    func parseCase(_ testCase: ParseCase) {
        do {
            let document = try PolicyDocument.parse(testCase.text, kind: testCase.kind)
            #expect(testCase.code == nil, "accepted, expected \(testCase.code ?? "")")
            #expect(document.text == testCase.text)
        } catch {
            #expect(error.code.description == testCase.code, "\(error.detail)")
            #expect(error.message == testCase.message)
            #expect(error.stsError.code == .malformedPolicyDocument)
            #expect(error.stsError.message == error.message)
        }
    }

    @Test("the table covers every error code")
    func everyCodeIsCovered() {
        let codes = Set(ParseCase.all.compactMap(\.code))
        let all: [PolicyError.Code] = [
            .syntax, .legacyParsing, .unknownField, .missingField, .prohibitedField, .invalidPrincipal,
            .invalidAction, .invalidResource, .invalidCondition, .invalidSid, .duplicateSid,
        ]
        #expect(codes == Set(all.map(\.description)))
    }

    /// A managed policy of `statements` copies of one statement, with `padding` spaces after each comma.
    private func policy(statements: Int, padding: Int = 0) -> String {
        let statement = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}"#
        let separator = "," + String(repeating: " ", count: padding)
        return #"{"Version":"2012-10-17","Statement":["#
            + Array(repeating: statement, count: statements)
            .joined(separator: separator) + "]}"
    }

    @Test("an identity policy over 6,144 characters is refused with IAM's LimitExceeded")
    func oversizedManagedPolicyIsRejected() {
        let text = policy(statements: 80)
        #expect(text.count > 6_144)
        do {
            _ = try PolicyDocument.parse(text, kind: .identity)
            Issue.record("an oversized managed policy was accepted")
        } catch {
            #expect(error.code == .sizeLimitExceeded)
            #expect(error.message == "Cannot exceed quota for PolicySize: 6144")
            #expect(error.stsError.code == .limitExceeded)
        }
    }

    @Test("white space does not count towards an IAM policy's size")
    func whitespaceIsNotCountedForManagedPolicies() throws {
        let text = policy(statements: 60, padding: 100)
        #expect(text.count > 6_144)
        #expect(text.filter { !$0.isWhitespace }.count <= 6_144)
        let document = try PolicyDocument.parse(text, kind: .identity)
        #expect(document.statements.count == 60)
    }

    @Test("a session policy counts white space and is refused over 2,048 characters with a ValidationError")
    func oversizedSessionPolicyIsRejected() {
        let text = policy(statements: 20, padding: 40)
        #expect(text.filter { !$0.isWhitespace }.count <= 2_048)
        do {
            _ = try PolicyDocument.parse(text, kind: .session)
            Issue.record("an oversized session policy was accepted")
        } catch {
            #expect(error.code == .sizeLimitExceeded)
            #expect(error.stsError.code == .validationError)
            #expect(error.stsError.message.hasSuffix("Member must have length less than or equal to 2048"))
        }
    }

    @Test("a role trust policy is limited to 2,048 characters by default, and the limit is a parameter")
    func trustPolicyLimitIsAParameter() throws {
        let statement = #"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}"#
        let text =
            #"{"Version":"2012-10-17","Statement":["# + Array(repeating: statement, count: 30).joined(separator: ",")
            + "]}"
        #expect(text.count > 2_048 && text.count < 4_096)
        do {
            _ = try PolicyDocument.parse(text, kind: .resource)
            Issue.record("an oversized trust policy was accepted")
        } catch {
            #expect(error.message == "Cannot exceed quota for ACLSizePerRole: 2048")
        }
        let raised = PolicyLimits(maxCharacters: 4_096, countsWhitespace: false, quotaName: "ACLSizePerRole")
        #expect(try PolicyDocument.parse(text, kind: .resource, limits: raised).statements.count == 30)
    }

    @Test("more statements than the limit allows is a syntax error")
    func tooManyStatementsAreRejected() {
        var limits = PolicyLimits.managedPolicy
        limits.maxStatements = 3
        #expect(throws: PolicyError(.syntax, "", kind: .identity)) {
            try PolicyDocument.parse(policy(statements: 4), kind: .identity, limits: limits)
        }
    }

    @Test("the details say exactly what is wrong while the message stays AWS's")
    func detailsNameTheProblem() {
        do {
            _ = try PolicyDocument.parse(#"{"Statement":{"Effect":"Allow","Effect":"Deny"}}"#, kind: .identity)
            Issue.record("accepted")
        } catch {
            #expect(error.message == "Syntax errors in policy.")
            #expect(error.detail.contains("duplicate key \"Effect\""))
            #expect(error.description.contains("duplicate key"))
        }
    }

    @Test("errors compare by code only")
    func errorsCompareByCode() {
        let first = PolicyError(.syntax, "a", kind: .identity)
        let second = PolicyError(.syntax, "b", kind: .session)
        #expect(first == second)
        #expect(first != PolicyError(.unknownField, "a", kind: .identity))
    }

    @Test("a parsed document keeps its text, kind, version, Id and statements")
    func parsedDocumentKeepsItsParts() throws {
        let text =
            #"{"Id":"P1","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#
        let document = try PolicyDocument.parse(text, kind: .identity)
        #expect(document.text == text)
        #expect(document.kind == .identity)
        #expect(document.version == .v2008_10_17)
        #expect(document.id == "P1")
        #expect(document.statements.map(\.sid) == ["A", nil])
        #expect(document.statements.map(\.effect) == [.allow, .deny])
        #expect(document.statements.map(\.index) == [0, 1])
        #expect(document == (try PolicyDocument.parse(text, kind: .identity)))
    }
}
