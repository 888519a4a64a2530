#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The accessors generated ``OperationInput/init(decoding:)`` implementations use: a required member that is
/// absent (which validation rules out) throws `MissingParameter` instead of trapping; an optional list or structure
/// is `nil` when not sent and `[]` when sent empty.
extension QueryInput {
    func requiredString(_ member: String) throws(STSError) -> String {
        guard let value = string(member) else { throw Self.missing(member) }
        return value
    }

    func requiredInt(_ member: String) throws(STSError) -> Int {
        guard let value = int(member) else { throw Self.missing(member) }
        return value
    }

    func requiredBool(_ member: String) throws(STSError) -> Bool {
        guard let value = bool(member) else { throw Self.missing(member) }
        return value
    }

    func requiredTimestamp(_ member: String) throws(STSError) -> Date {
        guard let value = timestamp(member) else { throw Self.missing(member) }
        return value
    }

    func requiredBlob(_ member: String) throws(STSError) -> Data {
        guard let value = blob(member) else { throw Self.missing(member) }
        return value
    }

    func stringList(_ member: String) -> [String]? {
        contains(member) ? strings(member) : nil
    }

    func requiredStringList(_ member: String) throws(STSError) -> [String] {
        guard contains(member) else { throw Self.missing(member) }
        return strings(member)
    }

    func structureList<Element: QueryStructureCoding>(_ member: String) throws(STSError) -> [Element]? {
        guard contains(member) else { return nil }
        var elements: [Element] = []
        for element in structures(member) {
            elements.append(try Element(decoding: element))
        }
        return elements
    }

    func requiredStructureList<Element: QueryStructureCoding>(_ member: String) throws(STSError) -> [Element] {
        guard let elements: [Element] = try structureList(member) else { throw Self.missing(member) }
        return elements
    }

    func structureMember<Value: QueryStructureCoding>(_ member: String) throws(STSError) -> Value? {
        guard let value = structure(member) else { return nil }
        return try Value(decoding: value)
    }

    func requiredStructureMember<Value: QueryStructureCoding>(_ member: String) throws(STSError) -> Value {
        guard let value: Value = try structureMember(member) else { throw Self.missing(member) }
        return value
    }

    private static func missing(_ member: String) -> STSError {
        STSError(.missingParameter, "The request must contain the parameter \(member).")
    }
}
