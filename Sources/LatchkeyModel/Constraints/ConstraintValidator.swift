/// One failed constraint, as AWS reports it: `Value '<value>' at '<path>' failed to satisfy constraint: <rule>` (STS), or
/// `Value at '<path>' failed to satisfy constraint: <rule>` (IAM, which never echoes the value).
struct ConstraintViolation: Sendable, Hashable {
    /// The AWS member path (`roleSessionName`, `tags.1.member.key`).
    let path: String
    /// The rendered value, already quoted or redacted; `null` for a missing member.
    let value: String
    let rule: String

    var text: String { text(echoingValue: true) }

    func text(echoingValue: Bool) -> String {
        echoingValue
            ? "Value \(value) at '\(path)' failed to satisfy constraint: \(rule)"
            : "Value at '\(path)' failed to satisfy constraint: \(rule)"
    }
}

/// Walks a decoded input against its shapes and collects every constraint violation, in member order.
///
/// Rules and their order follow AWS's Java validators:
/// - a missing required member: `Member must not be null`;
/// - strings: length (UTF-16 code units), then pattern (whole match), then enum;
/// - integers: value range;
/// - lists: size first; then, for structures, each element's members at `name.N.member.field`; for
///   scalars, one violation for the whole list listing every element rule:
///   `Member must satisfy constraint: [Member must have length less than or equal to 128, …]`.
enum ConstraintValidator {
    static func violations(in input: QueryInput, shape: ShapeSchema) -> [ConstraintViolation] {
        var found: [ConstraintViolation] = []
        checkMembers(of: input, shape: shape, pathPrefix: "", into: &found)
        return found
    }

    /// AWS's single message: `N validation error(s) detected: …; …`. STS echoes each offending value (redacted
    /// where the model says so); IAM never does (`Value at 'tags' failed to satisfy constraint: …`).
    static func message(for violations: [ConstraintViolation], echoingValues: Bool = true) -> String {
        let count = violations.count
        let noun = count == 1 ? "error" : "errors"
        return "\(count) validation \(noun) detected: "
            + violations.map { $0.text(echoingValue: echoingValues) }.joined(separator: "; ")
    }

    /// The AWS path of a member, built only when a violation must name it (`QueryForm.AssumeRole`: no string is
    /// built for a valid request).
    struct MemberPath {
        /// The path of the enclosing structure with its trailing dot (`tags.1.member.`), or empty at the top.
        let prefix: String
        let name: String

        var text: String { prefix.isEmpty ? name : prefix + name }
    }

    private static func checkMembers(
        of input: QueryInput, shape: ShapeSchema, pathPrefix: String, into found: inout [ConstraintViolation]
    ) {
        for member in shape.members {
            let path = MemberPath(prefix: pathPrefix, name: member.messageName)
            guard let value = input.fields[member.wireName] else {
                if member.isRequired {
                    found.append(ConstraintViolation(path: path.text, value: "null", rule: "Member must not be null"))
                }
                continue
            }
            check(value, shape: member.shape, path: path, redacted: member.isRedacted, into: &found)
            if let limit = member.documentedMaxItems, case .list(let elements) = value, elements.count > limit {
                let shown = ValueRenderer.quoted(value, shape: member.shape, redacted: member.isRedacted)
                found.append(
                    ConstraintViolation(
                        path: path.text, value: shown, rule: "Member must have length less than or equal to \(limit)"))
            }
        }
    }

    private static func check(
        _ value: QueryValue, shape: ShapeSchema, path: MemberPath, redacted: Bool,
        into found: inout [ConstraintViolation]
    ) {
        let failed = scalarFailures(value, shape: shape)
        if !failed.isEmpty {
            let shown = ValueRenderer.quoted(value, shape: shape, redacted: redacted)
            let text = path.text
            found += failed.map { ConstraintViolation(path: text, value: shown, rule: $0) }
        }
        switch value {
        case .list(let elements):
            guard let element = shape.element else { return }
            if element.kind == .structure {
                let text = path.text
                for (offset, item) in elements.enumerated() {
                    let itemPath = MemberPath(prefix: "", name: "\(text).\(offset + 1).member")
                    check(item, shape: element, path: itemPath, redacted: redacted, into: &found)
                }
            } else if elements.contains(where: { !scalarFailures($0, shape: element).isEmpty }) {
                let rules = elementRules(element).joined(separator: ", ")
                let shown = ValueRenderer.quoted(value, shape: shape, redacted: redacted)
                found.append(
                    ConstraintViolation(
                        path: path.text, value: shown, rule: "Member must satisfy constraint: [\(rules)]"))
            }
        case .structure(let nested):
            checkMembers(of: nested, shape: shape, pathPrefix: path.text + ".", into: &found)
        case .string, .integer, .boolean, .timestamp, .blob:
            break
        }
    }

    /// The rules a value breaks on its own (not counting its elements or members).
    static func scalarFailures(_ value: QueryValue, shape: ShapeSchema) -> [String] {
        var failed: [String] = []
        switch value {
        case .string(let text):
            failed += lengthFailures(text.utf16.count, shape: shape)
            if let pattern = shape.pattern, !pattern.matches(text) {
                failed.append(patternRule(pattern))
            }
            if !shape.enumValues.isEmpty, !shape.enumValues.contains(text) {
                failed.append(enumRule(shape.enumValues))
            }
        case .integer(let number):
            if let max = shape.max, number > max {
                failed.append("Member must have value less than or equal to \(max)")
            }
            if let min = shape.min, number < min {
                failed.append("Member must have value greater than or equal to \(min)")
            }
        case .list(let elements):
            failed += lengthFailures(elements.count, shape: shape)
        case .blob(let data):
            failed += lengthFailures(data.count, shape: shape)
        case .boolean, .timestamp, .structure:
            break
        }
        return failed
    }

    private static func lengthFailures(_ length: Int, shape: ShapeSchema) -> [String] {
        if let max = shape.max, length > max {
            return ["Member must have length less than or equal to \(max)"]
        }
        if let min = shape.min, length < min {
            return ["Member must have length greater than or equal to \(min)"]
        }
        return []
    }

    /// Every rule of a scalar element shape, in the order AWS lists them: max, min, pattern, enum.
    private static func elementRules(_ shape: ShapeSchema) -> [String] {
        let unit = shape.kind == .integer ? "value" : "length"
        var rules: [String] = []
        if let max = shape.max { rules.append("Member must have \(unit) less than or equal to \(max)") }
        if let min = shape.min { rules.append("Member must have \(unit) greater than or equal to \(min)") }
        if let pattern = shape.pattern { rules.append(patternRule(pattern)) }
        if !shape.enumValues.isEmpty { rules.append(enumRule(shape.enumValues)) }
        return rules
    }

    private static func patternRule(_ pattern: ConstraintPattern) -> String {
        "Member must satisfy regular expression pattern: \(pattern.source)"
    }

    private static func enumRule(_ values: [String]) -> String {
        "Member must satisfy enum value set: [\(values.joined(separator: ", "))]"
    }
}
