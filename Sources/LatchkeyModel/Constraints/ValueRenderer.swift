#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Renders values for validation messages the way AWS's Java validators print them: scalars as they
/// are, lists as `[a, b]`, structures as `{Key: a, Value: b}`; redacted values as
/// `*** Sensitive Data Redacted ***`, at whatever depth they sit.
enum ValueRenderer {
    static func quoted(_ value: QueryValue, shape: ShapeSchema, redacted: Bool) -> String {
        "'" + render(value, shape: shape, redacted: redacted) + "'"
    }

    private static func render(_ value: QueryValue, shape: ShapeSchema?, redacted: Bool) -> String {
        if redacted || shape?.isRedacted == true { return ScalarParser.redactedValue }
        switch value {
        case .string(let text):
            return text
        case .integer(let number):
            return String(number)
        case .boolean(let flag):
            return flag ? "true" : "false"
        case .timestamp(let date):
            return String(date.timeIntervalSince1970)
        case .blob(let data):
            return data.base64EncodedString()
        case .list(let elements):
            let element = shape?.element
            return "[" + elements.map { render($0, shape: element, redacted: false) }.joined(separator: ", ") + "]"
        case .structure(let input):
            let members = shape?.members ?? []
            let parts = members.compactMap { member -> String? in
                guard let field = input.fields[member.wireName] else { return nil }
                return "\(member.wireName): " + render(field, shape: member.shape, redacted: member.isRedacted)
            }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }
}
