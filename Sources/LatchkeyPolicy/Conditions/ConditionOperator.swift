/// A condition operator as written in a policy: the operator family, whether it is negated, the `...IfExists`
/// suffix and the `ForAllValues:`/`ForAnyValue:` set qualifier (IAM User Guide, "IAM JSON policy elements:
/// Condition operators" and "Creating a condition with multiple keys or values").
struct ConditionOperator: Sendable, Hashable {
    enum Family: Sendable, Hashable {
        case stringEquals, stringEqualsIgnoreCase, stringLike
        case numeric(Comparison)
        case date(Comparison)
        case bool, binaryEquals, ipAddress, arn, null
    }

    enum Comparison: Sendable, Hashable {
        case equals, lessThan, lessThanEquals, greaterThan, greaterThanEquals

        func holds<T: Comparable>(_ request: T, _ policy: T) -> Bool {
            switch self {
            case .equals: request == policy
            case .lessThan: request < policy
            case .lessThanEquals: request <= policy
            case .greaterThan: request > policy
            case .greaterThanEquals: request >= policy
            }
        }
    }

    enum Qualifier: Sendable, Hashable {
        case forAllValues, forAnyValue
    }

    /// The operator name as written, for diagnostics.
    let name: String
    let family: Family
    /// `StringNotEquals`, `NumericNotEquals`, `NotIpAddress`, `ArnNotLike`, …: the positive test, negated.
    let negated: Bool
    let ifExists: Bool
    let qualifier: Qualifier?

    /// The base operators (without qualifier or `IfExists`), by name.
    private static let base: [String: (Family, Bool)] = [
        "StringEquals": (.stringEquals, false),
        "StringNotEquals": (.stringEquals, true),
        "StringEqualsIgnoreCase": (.stringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase": (.stringEqualsIgnoreCase, true),
        "StringLike": (.stringLike, false),
        "StringNotLike": (.stringLike, true),
        "NumericEquals": (.numeric(.equals), false),
        "NumericNotEquals": (.numeric(.equals), true),
        "NumericLessThan": (.numeric(.lessThan), false),
        "NumericLessThanEquals": (.numeric(.lessThanEquals), false),
        "NumericGreaterThan": (.numeric(.greaterThan), false),
        "NumericGreaterThanEquals": (.numeric(.greaterThanEquals), false),
        "DateEquals": (.date(.equals), false),
        "DateNotEquals": (.date(.equals), true),
        "DateLessThan": (.date(.lessThan), false),
        "DateLessThanEquals": (.date(.lessThanEquals), false),
        "DateGreaterThan": (.date(.greaterThan), false),
        "DateGreaterThanEquals": (.date(.greaterThanEquals), false),
        "Bool": (.bool, false),
        "BinaryEquals": (.binaryEquals, false),
        "IpAddress": (.ipAddress, false),
        "NotIpAddress": (.ipAddress, true),
        "ArnEquals": (.arn, false),
        "ArnLike": (.arn, false),
        "ArnNotEquals": (.arn, true),
        "ArnNotLike": (.arn, true),
        "Null": (.null, false),
    ]

    /// Reads an operator name (case-sensitive, as IAM spells them); nil when it is not one. `IfExists` cannot be
    /// added to `Null`.
    init?(_ name: String) {
        var rest = Substring(name)
        var qualifier: Qualifier?
        if rest.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else if rest.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        }
        var ifExists = false
        if let entry = ConditionOperator.base[String(rest)] {
            self.init(name: name, entry: entry, ifExists: false, qualifier: qualifier)
            return
        }
        if rest.hasSuffix("IfExists") {
            rest = rest.dropLast("IfExists".count)
            ifExists = true
        }
        guard let entry = ConditionOperator.base[String(rest)], !(ifExists && entry.0 == .null) else { return nil }
        self.init(name: name, entry: entry, ifExists: ifExists, qualifier: qualifier)
    }

    private init(name: String, entry: (Family, Bool), ifExists: Bool, qualifier: Qualifier?) {
        self.name = name
        self.family = entry.0
        self.negated = entry.1
        self.ifExists = ifExists
        self.qualifier = qualifier
    }

    /// Whether values of this operator may hold policy variables (string, ARN and Bool operators; IAM User
    /// Guide, "Where you can use policy variables" and the condition operators page).
    var acceptsVariables: Bool {
        switch family {
        case .stringEquals, .stringEqualsIgnoreCase, .stringLike, .arn, .bool: true
        case .numeric, .date, .binaryEquals, .ipAddress, .null: false
        }
    }
}
