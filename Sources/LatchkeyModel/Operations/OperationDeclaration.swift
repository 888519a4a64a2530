/// What Latchkey knows about one operation besides its members: the service and `Action`, the constraint table,
/// whether it changes IAM state, its IAM action name and whether AWS serves it unsigned.
///
/// Every operation is declared once, as a generated ``OperationInput`` type (`AssumeRoleInput`, `CreateRoleInput`)
/// whose ``OperationInput/operation`` is its declaration; ``stsInputTypes`` and ``iamInputTypes`` list them all.
/// The declarations come from `scripts/codegen/operations.json` and the vendored service models (see
/// `docs/contributing.md`).
public struct OperationDeclaration: Sendable, Hashable, CustomStringConvertible {
    /// Whether an operation changes IAM state.
    public enum Access: String, Sendable, Hashable {
        /// Reads only (`Get*`, `List*`, `SimulatePrincipalPolicy`, every STS operation).
        case read
        /// Changes IAM state: the server clears its policy caches after it.
        case write
    }

    /// The operation's constraint table, which validates a request's parameters.
    public let schema: OperationSchema
    public let access: Access
    /// Whether AWS serves the operation without a signature (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`).
    public let isUnsigned: Bool

    public init(_ schema: OperationSchema, access: Access, isUnsigned: Bool = false) {
        self.schema = schema
        self.access = access
        self.isUnsigned = isUnsigned
    }

    public var service: OperationSchema.Service { schema.service }
    /// The `Action` name (`AssumeRole`).
    public var name: String { schema.name }
    /// The action a policy names to allow or deny the operation: `sts:AssumeRole`, `iam:CreateRole`.
    public var iamAction: String { "\(service.name.lowercased()):\(name)" }

    public var description: String { iamAction }

    public static func == (lhs: OperationDeclaration, rhs: OperationDeclaration) -> Bool {
        lhs.service == rhs.service && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(name)
    }
}

extension OperationDeclaration {
    /// Every declared STS operation, in `OperationSchema.allSTS` order.
    public static var allSTS: [OperationDeclaration] { stsInputTypes.map { $0.operation } }
    /// Every declared IAM operation, in `OperationSchema.allIAM` order.
    public static var allIAM: [OperationDeclaration] { iamInputTypes.map { $0.operation } }

    /// The input type of the operation with this `Action` in `service`, if Latchkey declares it.
    public static func inputType(_ service: OperationSchema.Service, action: String) -> (any OperationInput.Type)? {
        (service == .sts ? stsInputTypes : iamInputTypes).first { $0.operation.name == action }
    }
}

/// The typed input of one operation (`AssumeRoleInput`): its members as Swift properties, decoded from a validated
/// ``QueryInput`` on the server and encoded as query parameters by the client.
public protocol OperationInput: Sendable, Hashable {
    /// The operation's typed output (`AssumeRoleOutput`).
    associatedtype Output: OperationOutput

    /// The operation this is the input of.
    static var operation: OperationDeclaration { get }

    /// Reads the members of an input that ``OperationSchema/decode(_:)`` has already validated. A member missing or
    /// of the wrong kind cannot happen then; if it does, this throws `MissingParameter` rather than trapping.
    init(decoding input: QueryInput) throws(STSError)

    /// The members as flat awsQuery pairs in model order, as botocore sends them (`Tags.member.1.Key`, booleans
    /// `true`/`false`, timestamps in ISO 8601, blobs in base64, an empty list as `Name=`), without `Action` and
    /// `Version`.
    var queryParameters: [(name: String, value: String)] { get }
}

extension OperationInput {
    /// Validates flat, percent-decoded query parameters against the operation's constraint table
    /// (``OperationSchema/decode(_:)``, with its `ValidationError` and `InvalidParameterValue` answers) and reads them.
    public init(validating parameters: [String: String]) throws(STSError) {
        try self.init(decoding: Self.operation.schema.decode(parameters))
    }
}

/// The typed output of one operation (`AssumeRoleOutput`). Operations without an output in the model have an
/// output with no members, which renders as no result element.
public protocol OperationOutput: Sendable, Hashable {}

/// Text for generated `description`s.
enum DescriptionText {
    /// The value as `"\(value)"`, or `nil`.
    static func optional<Value>(_ value: Value?) -> String {
        value.map { "\($0)" } ?? "nil"
    }
}
