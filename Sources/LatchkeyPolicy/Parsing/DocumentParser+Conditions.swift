import LatchkeyBase

/// The `Condition` element: `{ operator: { key: value-or-values } }`.
extension DocumentParser {
    func parseConditionBlock(_ value: JSONValue) throws(PolicyError) -> [ConditionEntry] {
        guard case .object(let block) = value else { throw syntax("Condition is a \(value.typeName), not an object") }
        var entries: [ConditionEntry] = []
        for member in block.members {
            guard case .object(let keys) = member.value else {
                throw syntax("condition operator \(member.key) holds a \(member.value.typeName), not an object")
            }
            guard let conditionOperator = ConditionOperator(member.key) else {
                // IAM ignores an operator it does not know when it tests no key.
                if keys.members.isEmpty { continue }
                if checksPermissionsPolicy { throw syntax("unknown condition operator \(member.key)") }
                throw error(.invalidCondition, "Invalid Condition type : \(DocumentParser.excerpt(member.key))")
            }
            for keyMember in keys.members {
                guard entries.count < limits.maxValuesPerElement else {
                    throw syntax("more than \(limits.maxValuesPerElement) condition entries in a statement")
                }
                entries.append(try parseEntry(conditionOperator, key: keyMember.key, value: keyMember.value))
            }
        }
        return entries
    }

    /// The condition values as text: strings, numbers and booleans (IAM accepts unquoted numbers and booleans).
    private func conditionValues(_ value: JSONValue, key: String) throws(PolicyError) -> [String] {
        func scalar(_ value: JSONValue) throws(PolicyError) -> String {
            switch value {
            case .string(let text): return text
            case .number(let lexeme): return lexeme
            case .bool(let flag): return flag ? "true" : "false"
            default: throw syntax("condition key \(key) holds a \(value.typeName)")
            }
        }
        guard case .array(let items) = value else { return [try scalar(value)] }
        guard items.count <= limits.maxValuesPerElement else {
            throw syntax("condition key \(key) lists \(items.count) values, more than \(limits.maxValuesPerElement)")
        }
        var values: [String] = []
        values.reserveCapacity(items.count)
        for item in items { values.append(try scalar(item)) }
        return values
    }

    private func parseEntry(_ conditionOperator: ConditionOperator, key: String, value: JSONValue) throws(PolicyError)
        -> ConditionEntry
    {
        // A key without a vendor prefix (`"foo"`) is accepted, as IAM accepts it; no request carries it.
        let values = try conditionValues(value, key: key)
        let foldedKey = ConditionContext.KeyReference(folded: key.lowercased())
        func invalid(_ text: String, _ what: String) -> PolicyError {
            syntax("\(conditionOperator.name) value \"\(DocumentParser.excerpt(text))\" for \(key) is not \(what)")
        }
        let operands: ConditionEntry.Operands
        switch conditionOperator.family {
        case .stringEquals, .stringEqualsIgnoreCase, .stringLike, .arn, .bool:
            let variables = version.supportsVariables && conditionOperator.acceptsVariables
            let templates = values.map { Template($0, variables: variables) }
            if conditionOperator.family == .bool {
                for (text, template) in zip(values, templates) where template.isStatic {
                    let folded = text.lowercased()
                    guard folded == "true" || folded == "false" else { throw invalid(text, "true or false") }
                }
            }
            guard templates.allSatisfy(\.isStatic),
                let resolved = ConditionEntry.operands(
                    for: conditionOperator.family, templates: templates, context: ConditionContext()
                )
            else {
                return ConditionEntry(
                    conditionOperator: conditionOperator, key: foldedKey, resolved: nil, templates: templates)
            }
            operands = resolved
        case .numeric:
            var numbers: [DecimalValue] = []
            for text in values {
                guard let number = DecimalValue(text) else { throw invalid(text, "a number") }
                numbers.append(number)
            }
            operands = .numbers(numbers)
        case .date:
            var dates: [Double] = []
            for text in values {
                guard let date = DateValue.seconds(text) else {
                    throw error(
                        .legacyParsing, DocumentParser.legacyMessage,
                        detail: "\(conditionOperator.name) value \"\(DocumentParser.excerpt(text))\" is not a date"
                    )
                }
                dates.append(date)
            }
            operands = .dates(dates)
        case .binaryEquals:
            var binaries: [[UInt8]] = []
            for text in values {
                guard let bytes = Base64.decode(text, options: .allowingNonzeroTrailingBits) else {
                    throw invalid(text, "base64")
                }
                binaries.append(bytes)
            }
            operands = .binaries(binaries)
        case .ipAddress:
            var ranges: [IPRange] = []
            for text in values {
                guard let range = IPRange(text) else { throw invalid(text, "an IP address or CIDR range") }
                ranges.append(range)
            }
            operands = .ranges(ranges)
        case .null:
            var tests: [Bool] = []
            for text in values {
                switch text.lowercased() {
                case "true": tests.append(true)
                case "false": tests.append(false)
                default: throw invalid(text, "true or false")
                }
            }
            operands = .nulls(tests)
        }
        return ConditionEntry(conditionOperator: conditionOperator, key: foldedKey, resolved: operands, templates: [])
    }
}
