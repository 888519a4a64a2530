/// A shape from an AWS service model (botocore JSON), with the constraints AWS validates.
///
/// Shapes are declared once per service (`STSShapes`, `IAMShapes`) with the model's own names, and
/// referenced by the members that use them. They are immutable and shared, hence a final class.
///
/// `min` and `max` carry the model's `min`/`max` traits verbatim, and their meaning depends on the kind:
/// - string: length in UTF-16 code units (Java `String.length()`);
/// - list: number of elements;
/// - integer: the value range.
public final class ShapeSchema: Sendable, CustomStringConvertible {
    /// The kind of value a shape holds on the wire.
    public enum Kind: String, Sendable, Hashable {
        case string, integer, boolean, timestamp, blob, list, structure
    }

    /// The shape's name in the service model (`roleSessionNameType`).
    public let name: String
    public let kind: Kind
    /// The model's `min` trait (see the type's documentation for its meaning per kind).
    public let min: Int?
    /// The model's `max` trait (see the type's documentation for its meaning per kind).
    public let max: Int?
    /// The model's `pattern` trait, for strings.
    public let pattern: ConstraintPattern?
    /// The model's `enum` values, in model order; empty when the string is unconstrained.
    public let enumValues: [String]
    /// The model's `sensitive` trait.
    public let isSensitive: Bool
    /// Whether values of this shape are never echoed in messages: the model's `sensitive` trait, or a
    /// Latchkey policy for values that are secrets in practice (session policies, MFA codes, assertions).
    public let isRedacted: Bool
    /// The element shape, for lists.
    public let element: ShapeSchema?
    /// The members in model order, for structures.
    public let members: [MemberSchema]
    /// The position in ``members`` of each member, by wire name: the decoder's one lookup per parameter.
    let memberIndex: [String: Int]

    init(
        name: String, kind: Kind, min: Int? = nil, max: Int? = nil, pattern: String? = nil, enumValues: [String] = [],
        sensitive: Bool = false, redacted: Bool = false, element: ShapeSchema? = nil, members: [MemberSchema] = []
    ) {
        self.name = name
        self.kind = kind
        self.min = min
        self.max = max
        self.pattern = pattern.map(ConstraintPattern.init)
        self.enumValues = enumValues
        self.isSensitive = sensitive
        self.isRedacted = sensitive || redacted
        self.element = element
        self.members = members
        var memberIndex: [String: Int] = [:]
        for (offset, member) in members.enumerated() where memberIndex[member.wireName] == nil {
            memberIndex[member.wireName] = offset
        }
        self.memberIndex = memberIndex
    }

    /// A string shape. `redacted` adds Latchkey's redaction on top of the model's `sensitive` trait.
    static func string(
        _ name: String, min: Int? = nil, max: Int? = nil, pattern: String? = nil, enumValues: [String] = [],
        sensitive: Bool = false, redacted: Bool = false
    ) -> ShapeSchema {
        ShapeSchema(
            name: name, kind: .string, min: min, max: max, pattern: pattern, enumValues: enumValues,
            sensitive: sensitive, redacted: redacted)
    }

    static func integer(_ name: String, min: Int? = nil, max: Int? = nil) -> ShapeSchema {
        ShapeSchema(name: name, kind: .integer, min: min, max: max)
    }

    static func boolean(_ name: String) -> ShapeSchema {
        ShapeSchema(name: name, kind: .boolean)
    }

    static func list(_ name: String, of element: ShapeSchema, min: Int? = nil, max: Int? = nil) -> ShapeSchema {
        ShapeSchema(name: name, kind: .list, min: min, max: max, element: element)
    }

    static func structure(_ name: String, _ members: [MemberSchema]) -> ShapeSchema {
        ShapeSchema(name: name, kind: .structure, members: members)
    }

    /// The member with this wire name, for structures.
    public func member(_ wireName: String) -> MemberSchema? {
        members.first { $0.wireName == wireName }
    }

    public var description: String { "\(name) (\(kind.rawValue))" }
}

/// A member of a structure shape: its wire name, the name AWS uses in messages, and its shape.
///
/// A final class: immutable and shared by the tables, so walking the members of a shape copies no strings.
public final class MemberSchema: Sendable, CustomStringConvertible {
    /// The name on the wire (`RoleSessionName`, `arn`), used in query keys.
    public let wireName: String
    /// The name in AWS validation messages: the wire name with its first character lowercased
    /// (`roleSessionName`, `sAMLAssertion`), as AWS's Java validators print it.
    public let messageName: String
    public let shape: ShapeSchema
    /// Whether the model lists the member in its structure's `required`.
    public let isRequired: Bool
    /// The model's `sensitive` trait on the member itself (the shape may carry it too).
    public let isSensitive: Bool
    /// A list size limit that the API reference states in prose but the model does not carry (at most 10
    /// `PolicyArns`); checked and reported like the model's own limits.
    public let documentedMaxItems: Int?

    init(
        _ wireName: String, _ shape: ShapeSchema, required: Bool = false, sensitive: Bool = false,
        documentedMaxItems: Int? = nil
    ) {
        self.wireName = wireName
        self.messageName = wireName.prefix(1).lowercased() + wireName.dropFirst()
        self.shape = shape
        self.isRequired = required
        self.isSensitive = sensitive
        self.documentedMaxItems = documentedMaxItems
    }

    /// Whether the member's value is never echoed in messages.
    public var isRedacted: Bool { isSensitive || shape.isRedacted }

    public var description: String { "\(wireName): \(shape)" }
}
