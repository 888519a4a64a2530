import LatchkeyBase
import LatchkeyModel
import Testing

@testable import LatchkeyPolicy

/// One row of `Fixtures/write-validation.json`: a document, the use it is written for, and IAM's answer (or none).
struct WriteCase: Sendable, CustomTestStringConvertible {
    let name: String
    let use: PolicyUse?
    let text: String
    let code: String?
    let message: String?

    var testDescription: String { name }

    static let all: [WriteCase] = {
        do {
            let root = try Fixtures.root("write-validation")
            return Fixtures.objects(root["cases"]).map { row in
                WriteCase(
                    name: Fixtures.string(row, "name") ?? "?",
                    use: Fixtures.string(row, "use").flatMap(PolicyUse.init(rawValue:)),
                    text: Fixtures.policyText(row) ?? "", code: Fixtures.string(row, "code"),
                    message: Fixtures.string(row, "message")
                )
            }
        } catch {
            return [WriteCase(name: "unloadable: \(error)", use: nil, text: "", code: "unloadable", message: nil)]
        }
    }()
}

/// What IAM checks when a caller writes a document (``PolicyDocument/validate(_:as:limits:)``), by use.
@Suite struct WriteValidationTests {
    @Test("every write case is refused with AWS's code and message, or accepted", arguments: WriteCase.all)
    func writeCase(_ testCase: WriteCase) throws {
        let use = try #require(testCase.use, "the row names no known use")
        do {
            let document = try PolicyDocument.validate(testCase.text, as: use)
            #expect(testCase.code == nil, "accepted, expected \(testCase.code ?? "")")
            #expect(document.kind == use.kind)
        } catch {
            #expect(error.code.description == testCase.code, "\(error.detail)")
            #expect(error.message == testCase.message)
            #expect(error.stsError.code == .malformedPolicyDocument)
            #expect(error.stsError.message == testCase.message)
        }
    }

    @Test("a document accepted on write is accepted when read back as its kind", arguments: WriteCase.all)
    func acceptedDocumentsStayReadable(_ testCase: WriteCase) throws {
        let use = try #require(testCase.use)
        guard (try? PolicyDocument.validate(testCase.text, as: use)) != nil else { return }
        #expect(throws: Never.self) { try PolicyDocument.parse(testCase.text, kind: use.kind) }
    }

    @Test("stored documents are read without the write-time rules")
    func storedDocumentsAreReadLeniently() throws {
        let noVersion = #"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam:us-east-1::thing"}}"#
        #expect(throws: PolicyError.self) { try PolicyDocument.validate(noVersion, as: .managed) }
        #expect(try PolicyDocument.parse(noVersion, kind: .identity).version == .v2008_10_17)
        let trust = #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*","Resource":"*"}}"#
        #expect(throws: PolicyError.self) { try PolicyDocument.validate(trust, as: .roleTrust) }
        #expect(try PolicyDocument.parse(trust, kind: .resource).statements.count == 1)
    }

    @Test("the table covers every use and every write-time message")
    func tableCoversEveryUse() {
        #expect(Set(WriteCase.all.compactMap(\.use)) == Set(PolicyUse.allCases))
        let messages = Set(WriteCase.all.compactMap(\.message))
        for message in [
            "AssumeRole policy may only specify STS AssumeRole actions.", "Has prohibited field Resource",
            "This policy contains invalid Json", "Policy document must be version 2012-10-17 or greater.",
            "Statement IDs (SID) in a single policy must be unique.", "Policy document should not specify a principal.",
            "Policy statement must contain resources.", "Policy statement must contain actions.",
            "The policy failed legacy parsing",
        ] {
            #expect(messages.contains(message), "no row answers \(message)")
        }
    }

    @Test("each use parses as its kind", arguments: PolicyUse.allCases)
    func useKind(_ use: PolicyUse) {
        let expected: [PolicyUse: PolicyKind] = [
            .roleTrust: .resource, .managed: .identity, .inline: .identity, .session: .session,
            .permissionsBoundary: .permissionsBoundary,
        ]
        #expect(use.kind == expected[use])
    }
}
