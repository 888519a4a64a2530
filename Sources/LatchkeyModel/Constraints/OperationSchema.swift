/// The input schema of one AWS operation: its members in model order, with their shapes and constraints.
///
/// Look an operation up by its `Action` with ``sts(action:)`` or ``iam(action:)``, then turn the request's
/// flat query parameters into a validated ``QueryInput`` with ``decode(_:)``.
///
/// ```swift
/// guard let schema = OperationSchema.sts(action: params["Action"] ?? "") else { ... }
/// let input = try schema.decode(params)
/// let roleArn = input.string("RoleArn")
/// ```
public struct OperationSchema: Sendable, CustomStringConvertible {
    /// The AWS service an operation belongs to.
    public struct Service: Sendable, Hashable, CustomStringConvertible {
        /// The model's `serviceId` (`STS`, `IAM`).
        public let name: String
        /// The model's `apiVersion`, which requests carry as `Version`.
        public let apiVersion: String

        /// AWS Security Token Service, `sts-2011-06-15`.
        public static let sts = Service(name: "STS", apiVersion: "2011-06-15")
        /// AWS Identity and Access Management, `iam-2010-05-08`.
        public static let iam = Service(name: "IAM", apiVersion: "2010-05-08")

        public var description: String { name }
    }

    public let service: Service
    /// The operation name, which requests carry as `Action` (`AssumeRole`).
    public let name: String
    /// The input structure (`AssumeRoleRequest`).
    public let input: ShapeSchema

    init(_ service: Service, _ name: String, input: ShapeSchema) {
        self.service = service
        self.name = name
        self.input = input
    }

    /// The input members in model order.
    public var members: [MemberSchema] { input.members }

    public var description: String { "\(service.name).\(name)" }
}

extension OperationSchema {
    /// The STS operation with this `Action` name, if it is one of the 11 in `sts-2011-06-15`.
    public static func sts(action: String) -> OperationSchema? { stsByName[action] }

    /// The IAM operation with this `Action` name, if it is one Latchkey serves.
    public static func iam(action: String) -> OperationSchema? { iamByName[action] }

    // `allSTS` and `allIAM`, and every table, are generated from the models and `scripts/codegen/operations.json`
    // (`Sources/LatchkeyModel/Generated/`).

    /// Every operation with a table: STS, then IAM.
    public static let all: [OperationSchema] = allSTS + allIAM

    private static let stsByName = Dictionary(uniqueKeysWithValues: allSTS.map { ($0.name, $0) })
    private static let iamByName = Dictionary(uniqueKeysWithValues: allIAM.map { ($0.name, $0) })
}
