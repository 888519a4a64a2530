import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An operation output that renders as the content of its `<ActionResult>` element. Every generated
/// `OperationOutput` conforms (`Sources/LatchkeyQuery/Generated/`).
public protocol ResponseEncodable {
    /// The result, its members in model order with absent (`nil`) members left out; `nil` when the model declares
    /// no output, so the response has no result element (IAM's `DeleteRole`).
    var responseNode: ResponseNode? { get }
}

/// A nested shape of an output (`Credentials`, `IAM.Role`): its members as response nodes, and read back from its
/// element. Generated for every nested output shape.
protocol ResponseStructure {
    /// The members in model order; `nil` for absent ones.
    func responseChildren() -> [ResponseNode?]
    init(reading reader: ResponseReader) throws(ResponseDecodingError)
}

/// The node factories generated encoders use: one per member kind, `nil` for an absent member.
enum ResponseField {
    static func string(_ name: String, _ value: String?) -> ResponseNode? {
        value.map { ResponseNode.string(name, $0) }
    }

    static func integer(_ name: String, _ value: Int?) -> ResponseNode? {
        value.map { ResponseNode.integer(name, $0) }
    }

    static func boolean(_ name: String, _ value: Bool?) -> ResponseNode? {
        value.map { ResponseNode.boolean(name, $0) }
    }

    static func timestamp(_ name: String, _ value: Date?) -> ResponseNode? {
        value.map { ResponseNode.timestamp(name, $0) }
    }

    /// A blob, base64-encoded.
    static func blob(_ name: String, _ value: Data?) -> ResponseNode? {
        value.map { ResponseNode.string(name, Base64.encode($0)) }
    }

    static func strings(_ name: String, _ value: [String]?) -> ResponseNode? {
        value.map { ResponseNode.list(name, strings: $0) }
    }

    static func structure(_ name: String, _ value: (some ResponseStructure)?) -> ResponseNode? {
        value.map { ResponseNode.structure(name, $0.responseChildren()) }
    }

    /// A list of structures; the items are `<member>` elements.
    static func structures(_ name: String, _ value: [some ResponseStructure]?) -> ResponseNode? {
        value.map { items in
            ResponseNode.list(name, items.map { ResponseNode.structure("member", $0.responseChildren()) })
        }
    }
}
