import LatchkeyBase

/// One compiled test of a `Condition` block: an operator applied to one condition key with its policy values.
///
/// A statement's entries are ANDed (several operators, and several keys under one operator); the values of one
/// entry are ORed.
struct ConditionEntry: Sendable {
    let conditionOperator: ConditionOperator
    /// The condition key, lowercased (keys are case-insensitive) and resolved to the context's well-known keys.
    let key: ConditionContext.KeyReference
    /// Operands ready to compare when no value holds a policy variable.
    let resolved: Operands?
    /// The values as templates when at least one holds a variable; resolved per request.
    let templates: [Template]

    /// Policy values in the form their operator compares.
    enum Operands: Sendable {
        case strings([ResolvedString])
        case arns([ARNPattern])
        case numbers([DecimalValue])
        case dates([Double])
        case binaries([[UInt8]])
        case ranges([IPRange])
        case nulls([Bool])
    }

    /// A string operand in the three shapes the string operators compare.
    struct ResolvedString: Sendable {
        let exact: String
        let folded: String
        let pattern: GlobPattern

        init(_ text: String, pattern: GlobPattern) {
            exact = text
            folded = text.lowercased()
            self.pattern = pattern
        }
    }

    /// Builds operands from resolved templates for a family that accepts variables.
    static func operands(
        for family: ConditionOperator.Family, templates: [Template], context: ConditionContext
    ) -> Operands? {
        switch family {
        case .arn:
            var patterns: [ARNPattern] = []
            patterns.reserveCapacity(templates.count)
            for template in templates {
                guard let pattern = template.pattern(in: context) else { return nil }
                patterns.append(ARNPattern(pattern))
            }
            return .arns(patterns)
        default:
            var strings: [ResolvedString] = []
            strings.reserveCapacity(templates.count)
            for template in templates {
                guard let text = template.string(in: context) else { return nil }
                let pattern: GlobPattern
                if family == .stringLike {
                    guard let built = template.pattern(in: context) else { return nil }
                    pattern = built
                } else {
                    pattern = GlobPattern(tokens: [])
                }
                strings.append(ResolvedString(text, pattern: pattern))
            }
            return .strings(strings)
        }
    }

    /// The entry's result for `context`: true or false, or nil when a policy variable it needs cannot be
    /// resolved (which makes the whole statement not apply).
    ///
    /// Semantics (IAM User Guide, condition operators and multi-valued keys pages):
    /// - `Null`: `true` tests that the key is absent, `false` that it is present.
    /// - absent key: `...IfExists` → true; `ForAllValues:` → true; `ForAnyValue:` → false; otherwise a negated
    ///   operator → true and a positive one → false.
    /// - no qualifier: the positive test holds when any request value matches any policy value; a negated
    ///   operator is its negation (none of the request values matches any policy value).
    /// - `ForAnyValue:`: some request value passes the (possibly negated) test against the policy values.
    /// - `ForAllValues:`: every request value passes it.
    func evaluate(_ context: ConditionContext) -> Bool? {
        let requestValues = context.values(key)
        if case .nulls(let tests)? = resolved {
            let present = requestValues != nil
            return tests.contains { $0 ? !present : present }
        }
        guard let requestValues else {
            if conditionOperator.ifExists { return true }
            switch conditionOperator.qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case nil: return conditionOperator.negated
            }
        }
        guard
            let operands = resolved
                ?? ConditionEntry.operands(for: conditionOperator.family, templates: templates, context: context)
        else { return nil }
        let negated = conditionOperator.negated
        switch conditionOperator.qualifier {
        case nil:
            let any = requestValues.contains { matchesAny($0, operands) }
            return negated ? !any : any
        case .forAnyValue:
            return requestValues.contains { matchesAny($0, operands) != negated }
        case .forAllValues:
            return requestValues.allSatisfy { matchesAny($0, operands) != negated }
        }
    }

    /// The positive test: whether one request value matches at least one policy value.
    private func matchesAny(_ value: String, _ operands: Operands) -> Bool {
        switch operands {
        case .strings(let strings):
            switch conditionOperator.family {
            case .stringEquals: return strings.contains { $0.exact == value }
            case .stringLike: return strings.contains { $0.pattern.matches(value) }
            default:
                let folded = value.lowercased()
                return strings.contains { $0.folded == folded }
            }
        case .arns(let patterns):
            return patterns.contains { $0.matches(value) }
        case .numbers(let numbers):
            guard case .numeric(let comparison) = conditionOperator.family, let number = DecimalValue(value) else {
                return false
            }
            return numbers.contains { comparison.holds(number, $0) }
        case .dates(let dates):
            guard case .date(let comparison) = conditionOperator.family, let date = DateValue.seconds(value) else {
                return false
            }
            return dates.contains { comparison.holds(date, $0) }
        case .binaries(let binaries):
            let bytes = Base64.decode(value, options: .allowingNonzeroTrailingBits) ?? Array(value.utf8)
            return binaries.contains { $0 == bytes }
        case .ranges(let ranges):
            guard let address = IPRange(value) else { return false }
            return ranges.contains { $0.contains(address) }
        case .nulls:
            return false
        }
    }
}
