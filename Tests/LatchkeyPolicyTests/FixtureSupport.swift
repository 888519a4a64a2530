import Foundation
import LatchkeyBase
import LatchkeyModel
import Testing

@testable import LatchkeyPolicy

/// Loads the JSON case tables under `Fixtures/`. Each file names the IAM User Guide page its cases come from.
///
/// Fixture files are read with the module's own JSON reader (it keeps member order and number lexemes), and a
/// policy written as a JSON object is re-serialized to text before it is parsed as a policy.
enum Fixtures {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    static func root(_ name: String) throws -> JSONObject {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw LoadError(description: "missing fixture \(name).json")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let value = try JSONReader.read(text, maxDepth: 64, maxNodes: 1_000_000)
        guard case .object(let object) = value else { throw LoadError(description: "\(name).json is not an object") }
        return object
    }

    static func string(_ object: JSONObject, _ key: String) -> String? {
        if case .string(let text)? = object[key] { return text }
        return nil
    }

    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .array(let items)?: items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: []
        }
    }

    static func objects(_ value: JSONValue?) -> [JSONObject] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .object(let object) = $0 { object } else { nil } }
    }

    /// The policy text of a case: `policyText` verbatim, or `policy` re-serialized.
    static func policyText(_ object: JSONObject, key: String = "policy") -> String? {
        if let text = string(object, key + "Text") { return text }
        return object[key]?.serialized
    }

    static func kind(_ object: JSONObject, default fallback: PolicyKind = .identity) -> PolicyKind {
        string(object, "kind").flatMap(PolicyKind.init(rawValue:)) ?? fallback
    }

    static func principal(_ value: JSONValue?) -> PolicyPrincipal? {
        guard case .object(let object)? = value else { return nil }
        let kind = string(object, "kind").flatMap(PolicyPrincipal.Kind.init(rawValue:)) ?? .aws
        return PolicyPrincipal(
            kind: kind, identifiers: strings(object["identifiers"]), account: string(object, "account"))
    }

    static func request(_ object: JSONObject) -> PolicyRequest {
        var context: [String: [String]] = [:]
        if case .object(let map)? = object["context"] {
            for member in map.members { context[member.key] = strings(member.value) }
        }
        return PolicyRequest(
            action: string(object, "action") ?? "", resource: string(object, "resource") ?? "*",
            principal: principal(object["principal"]), context: context
        )
    }
}

/// One evaluation case: a policy, a request, the expected outcome.
struct EvaluationCase: Sendable, CustomTestStringConvertible {
    let file: String
    let name: String
    let kind: PolicyKind
    let policyText: String
    let request: PolicyRequest
    /// "allow", "deny" or "neither".
    let expect: String
    let principalMatch: PrincipalMatch?
    /// Expected Sids of the deciding statements, when the case lists them.
    let statements: [String]?

    var testDescription: String { "\(file): \(name)" }

    static let files = [
        "actions", "resources", "principals", "string-operators", "numeric-operators", "date-operators",
        "bool-operators", "binary-operators", "ip-operators", "arn-operators", "null-operator", "ifexists",
        "set-qualifiers", "variables",
    ]

    static let all: [EvaluationCase] = files.flatMap(load)

    static func load(_ file: String) -> [EvaluationCase] {
        do {
            let root = try Fixtures.root(file)
            var cases: [EvaluationCase] = []
            for group in Fixtures.objects(root["cases"]) {
                let checks = Fixtures.objects(group["checks"])
                for check in checks.isEmpty ? [group] : checks {
                    let name = [Fixtures.string(group, "name"), Fixtures.string(check, "name")].compactMap { $0 }
                    guard let text = Fixtures.policyText(group), case .object(let request)? = check["request"] else {
                        throw Fixtures.LoadError(description: "case \(name) has no policy or request")
                    }
                    cases.append(
                        EvaluationCase(
                            file: file, name: Set(name).count == 1 ? name[0] : name.joined(separator: " / "),
                            kind: Fixtures.kind(group), policyText: text, request: Fixtures.request(request),
                            expect: Fixtures.string(check, "expect") ?? "?",
                            principalMatch: Fixtures.string(check, "principalMatch").flatMap { text in
                                [PrincipalMatch.account, .parent, .wildcard, .direct].first { $0.description == text }
                            },
                            statements: check["statements"].map { Fixtures.strings($0) }
                        )
                    )
                }
            }
            return cases
        } catch {
            return [
                EvaluationCase(
                    file: file, name: "fixture failed to load: \(error)", kind: .identity, policyText: "",
                    request: PolicyRequest(action: "", resource: ""), expect: "unloadable", principalMatch: nil,
                    statements: nil
                )
            ]
        }
    }
}
