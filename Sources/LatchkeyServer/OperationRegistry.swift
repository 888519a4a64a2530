import Foundation
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

/// What a typed handler gets besides its input: the caller (nil only for the unsigned federation calls), the
/// request's time and ID, and where the request came from.
struct OperationContext: Sendable {
    var caller: Caller?
    var now: Date
    var requestId: String
    /// Where the request came from (also for the unsigned federation calls, which have no caller).
    var metadata: RequestMetadata = RequestMetadata()

    /// The caller of a signed operation.
    func signedCaller() throws(STSError) -> Caller {
        guard let caller else {
            throw STSError(.missingAuthenticationToken, "Request is missing Authentication Token")
        }
        return caller
    }
}

/// The operations the endpoint serves, each registered once against its declaration (the generated input type).
///
/// ```swift
/// var registry = OperationRegistry()
/// registry.on(CreateRoleInput.self) { input, context in
///     try await iam.createRole(input, caller: try context.signedCaller(), now: context.now)
/// }
/// ```
///
/// The endpoint looks an operation up by service and `Action`, validates the parameters with the declaration's
/// schema, decodes the typed input, runs the handler and encodes the typed output; after a `.write` operation it
/// clears the policy caches. ``duplicates`` lists any operation registered twice (a test keeps it empty), and
/// `OperationRegistryTests` proves every declared operation has a handler and every handler a declaration.
struct OperationRegistry: Sendable {
    /// One registered operation, its types erased.
    struct Entry: Sendable {
        let declaration: OperationDeclaration
        let run: @Sendable (QueryInput, OperationContext) async throws -> ResponseNode?
    }

    private(set) var entries: [Key: Entry] = [:]
    /// Operations registered more than once (the later registration wins); empty in a correct build.
    private(set) var duplicates: [OperationDeclaration] = []

    struct Key: Hashable, Sendable {
        let service: OperationSchema.Service
        let action: String
    }

    init() {}

    /// Registers the handler of `Input`'s operation.
    mutating func on<Input: OperationInput>(
        _: Input.Type, _ handler: @escaping @Sendable (Input, OperationContext) async throws -> Input.Output
    ) where Input.Output: ResponseEncodable {
        let declaration = Input.operation
        add(
            Entry(declaration: declaration) { input, context in
                try await handler(try Input(decoding: input), context).responseNode
            })
    }

    private mutating func add(_ entry: Entry) {
        let key = Key(service: entry.declaration.service, action: entry.declaration.name)
        if entries[key] != nil { duplicates.append(entry.declaration) }
        entries[key] = entry
    }

    /// The operation `action` of `service`, if one is registered.
    func entry(_ service: OperationSchema.Service, action: String) -> Entry? {
        entries[Key(service: service, action: action)]
    }

    /// Every registered operation's declaration.
    var declarations: [OperationDeclaration] { entries.values.map(\.declaration) }

    /// Adds every operation of `other` (two registries built by different services).
    mutating func merge(_ other: OperationRegistry) {
        for entry in other.entries.values { add(entry) }
        duplicates += other.duplicates
    }
}
