import LatchkeyBase

/// Turns policy text into a ``PolicyDocument``, enforcing the policy grammar (IAM User Guide, "Grammar of the IAM
/// JSON policy language") and the limits. Messages are the ones IAM returns with `MalformedPolicyDocument`.
struct DocumentParser {
    static let syntaxMessage = "Syntax errors in policy."
    static let legacyMessage = "The policy failed legacy parsing"
    static let vendorMessage = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    static let invalidJSONMessage = "This policy contains invalid Json"
    static let versionMessage = "Policy document must be version 2012-10-17 or greater."

    private static let topLevelElements: Set<String> = ["Version", "Id", "Statement"]
    private static let statementElements: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    let kind: PolicyKind
    let limits: PolicyLimits
    /// The write-time rules to add, or nil to read a stored document with the shared grammar only.
    let use: PolicyUse?
    var version: PolicyVersion = .v2008_10_17

    init(kind: PolicyKind, limits: PolicyLimits, use: PolicyUse? = nil) {
        self.kind = kind
        self.limits = limits
        self.use = use
    }

    /// Whether IAM's permissions-policy validator is applied (a written managed, inline, boundary or session
    /// policy): it reports unknown elements as syntax errors, and checks resource ARNs further.
    var checksPermissionsPolicy: Bool { use?.isPermissionsPolicy ?? false }

    /// An element the grammar does not define: "Unknown field X" in a stored document or a trust policy, a syntax
    /// error in a permissions policy being written.
    func unknownField(_ name: String) -> PolicyError {
        checksPermissionsPolicy
            ? syntax("unknown element \(DocumentParser.excerpt(name))")
            : error(.unknownField, "Unknown field \(DocumentParser.excerpt(name))")
    }

    // MARK: Errors

    func syntax(_ detail: String) -> PolicyError {
        PolicyError(.syntax, DocumentParser.syntaxMessage, detail: detail, kind: kind)
    }

    func error(_ code: PolicyError.Code, _ message: String, detail: String? = nil) -> PolicyError {
        PolicyError(code, message, detail: detail, kind: kind)
    }

    /// Shortens text echoed into a message.
    static func excerpt(_ text: String) -> String {
        text.unicodeScalars.count <= 256
            ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(256))) + "…"
    }

    // MARK: Document

    mutating func parse(_ text: String) throws(PolicyError) -> PolicyDocument {
        try checkSize(text)
        let root: JSONValue
        do {
            root = try JSONReader.read(text)
        } catch {
            let detail = "not valid JSON: \(error.reason) at byte \(error.offset)"
            if use == .roleTrust {
                throw PolicyError(.syntax, DocumentParser.invalidJSONMessage, detail: detail, kind: kind)
            }
            throw syntax(detail)
        }
        guard case .object(let object) = root else {
            throw syntax("the document is a JSON \(root.typeName), not an object")
        }
        for member in object.members where !DocumentParser.topLevelElements.contains(member.key) {
            throw unknownField(member.key)
        }
        if let value = object["Version"] {
            guard case .string(let text) = value else { throw syntax("Version is a \(value.typeName), not a string") }
            guard let parsed = PolicyVersion(rawValue: text) else {
                throw syntax("Version \"\(DocumentParser.excerpt(text))\" is not 2012-10-17 or 2008-10-17")
            }
            version = parsed
        }
        var id: String?
        if let value = object["Id"] {
            guard case .string(let text) = value else { throw syntax("Id is a \(value.typeName), not a string") }
            id = text
        }
        guard let statementValue = object["Statement"] else {
            if checksPermissionsPolicy { throw syntax("no Statement") }
            throw error(.missingField, "Missing required field Statement")
        }
        let statementObjects: [JSONObject]
        switch statementValue {
        case .object(let single):
            statementObjects = [single]
        case .array(let items):
            guard !items.isEmpty else { throw syntax("Statement is an empty list") }
            var objects: [JSONObject] = []
            for item in items {
                guard case .object(let statement) = item else { throw syntax("a statement is a \(item.typeName)") }
                objects.append(statement)
            }
            statementObjects = objects
        default:
            throw syntax("Statement is a \(statementValue.typeName), not an object or a list")
        }
        guard statementObjects.count <= limits.maxStatements else {
            throw syntax("\(statementObjects.count) statements, more than \(limits.maxStatements)")
        }
        // A managed policy must be written in the current language. IAM reports syntax errors first, then the
        // version, then everything else.
        let oldVersion = (use?.requiresCurrentVersion ?? false) && version != .v2012_10_17
        var statements: [PolicyStatement] = []
        statements.reserveCapacity(statementObjects.count)
        do throws(PolicyError) {
            var sids = Set<String>()
            for (index, object) in statementObjects.enumerated() {
                let statement = try parseStatement(object, index: index)
                if let sid = statement.sid, !sid.isEmpty, !sids.insert(sid).inserted {
                    throw error(
                        .duplicateSid, "Statement IDs (SID) in a single policy must be unique.", detail: "Sid \(sid)")
                }
                statements.append(statement)
            }
        } catch {
            if oldVersion, error.code != .syntax { throw versionError() }
            throw error
        }
        if oldVersion { throw versionError() }
        return PolicyDocument(text: text, kind: kind, version: version, id: id, statements: statements)
    }

    private func versionError() -> PolicyError {
        error(
            .oldVersion, DocumentParser.versionMessage,
            detail: "Version \(version.rawValue) in a \(use?.description ?? "\(kind)")")
    }

    private func checkSize(_ text: String) throws(PolicyError) {
        var total = 0
        var counted = 0
        for scalar in text.unicodeScalars {
            total += 1
            switch scalar {
            case " ", "\t", "\n", "\r": if limits.countsWhitespace { counted += 1 }
            default: counted += 1
            }
        }
        let maximum = min(limits.maxCharacters, PolicyLimits.absoluteMaxCharacters)
        if counted > maximum || total > PolicyLimits.absoluteMaxCharacters {
            throw PolicyError(
                .sizeLimitExceeded, "Cannot exceed quota for \(limits.quotaName): \(maximum)",
                detail: "\(counted) characters counted (\(total) in all), limit \(maximum)", kind: kind, quota: maximum
            )
        }
    }

    // MARK: Statement

    private func parseStatement(_ object: JSONObject, index: Int) throws(PolicyError) -> PolicyStatement {
        for member in object.members where !DocumentParser.statementElements.contains(member.key) {
            throw unknownField(member.key)
        }
        let effect = try parseEffect(object["Effect"])
        var sid: String?
        if let value = object["Sid"] {
            guard case .string(let text) = value else { throw syntax("Sid is a \(value.typeName), not a string") }
            if kind != .resource, !text.utf8.allSatisfy(DocumentParser.isAlphanumeric) {
                throw error(
                    .invalidSid,
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
                        + "expression [0-9A-Za-z]*",
                    detail: "Sid \"\(DocumentParser.excerpt(text))\""
                )
            }
            sid = text
        }
        let principal = try parsePrincipalElement(object)
        let actions = try parseActionElement(object)
        let resources = try parseResourceElement(object)
        var conditions: [ConditionEntry] = []
        if let value = object["Condition"] {
            conditions = try parseConditionBlock(value)
        }
        return PolicyStatement(
            index: index, sid: sid, effect: effect, principal: principal, actions: actions, resources: resources,
            conditions: conditions
        )
    }

    private func parseEffect(_ value: JSONValue?) throws(PolicyError) -> PolicyEffect {
        guard let value else { throw error(.missingField, "Missing required field Effect") }
        guard case .string(let text) = value else { throw syntax("Effect is a \(value.typeName), not a string") }
        if let effect = PolicyEffect(rawValue: text) { return effect }
        if text.lowercased() == "allow" || text.lowercased() == "deny" {
            // IAM's syntax check accepts any case; its legacy parser then refuses anything but Allow and Deny.
            throw error(.legacyParsing, DocumentParser.legacyMessage, detail: "Effect \"\(text)\" is not Allow or Deny")
        }
        throw syntax("Effect \"\(DocumentParser.excerpt(text))\" is not Allow or Deny")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    /// A string or a list of strings (`Action`, `Resource`, principal values).
    func stringList(_ value: JSONValue, element: String) throws(PolicyError) -> [String] {
        switch value {
        case .string(let text):
            return [text]
        case .array(let items):
            guard items.count <= limits.maxValuesPerElement else {
                throw syntax("\(element) lists \(items.count) values, more than \(limits.maxValuesPerElement)")
            }
            var strings: [String] = []
            strings.reserveCapacity(items.count)
            for item in items {
                guard case .string(let text) = item else { throw syntax("\(element) holds a \(item.typeName)") }
                strings.append(text)
            }
            return strings
        default:
            throw syntax("\(element) is a \(value.typeName), not a string or a list of strings")
        }
    }
}
