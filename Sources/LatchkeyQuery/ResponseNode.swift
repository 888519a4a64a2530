import LatchkeyBase

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One member of an awsQuery response: a named scalar, structure or list.
///
/// The same tree renders as XML (``QueryResponse/xml(action:namespace:result:requestId:)``) and as JSON
/// (``QueryResponse/json(action:result:requestId:)``). Lists render as `<member>` elements in XML and as
/// arrays in JSON; the names of list items are not used. Build trees with the static factories.
public struct ResponseNode: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        /// Text: XML character data, a JSON string.
        case string(String)
        /// A number or boolean already in canonical text form: XML character data, a bare JSON token.
        case scalar(String)
        /// Seconds since 1970: ISO 8601 in XML, a JSON number.
        case timestamp(Int64)
        case structure([ResponseNode])
        case list([ResponseNode])
    }

    /// The element name (for list items, ignored).
    public let name: String
    let value: Value

    private init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// A string member: `<Name>text</Name>`, `"Name":"text"`. The text is escaped when rendered.
    public static func string(_ name: String, _ value: String) -> ResponseNode {
        ResponseNode(name, .string(value))
    }

    /// An integer member: `<Name>42</Name>`, `"Name":42`.
    public static func integer(_ name: String, _ value: Int) -> ResponseNode {
        ResponseNode(name, .scalar(String(value)))
    }

    /// A boolean member: `<Name>true</Name>`, `"Name":true`.
    public static func boolean(_ name: String, _ value: Bool) -> ResponseNode {
        ResponseNode(name, .scalar(value ? "true" : "false"))
    }

    /// A timestamp member: `<Name>2019-11-09T13:34:41Z</Name>` in XML, whole seconds since 1970 in JSON.
    /// Fractions of a second are dropped (see ``AWSTimestamp``).
    public static func timestamp(_ name: String, _ date: Date) -> ResponseNode {
        ResponseNode(name, .timestamp(AWSTimestamp.epochSeconds(of: date)))
    }

    /// A timestamp member given in whole seconds since 1970.
    public static func timestamp(_ name: String, epochSeconds: Int64) -> ResponseNode {
        ResponseNode(name, .timestamp(AWSTimestamp.clamp(epochSeconds)))
    }

    /// A structure member. `nil` children (absent optional members) are left out.
    public static func structure(_ name: String, _ children: [ResponseNode?]) -> ResponseNode {
        ResponseNode(name, .structure(children.compactMap { $0 }))
    }

    /// A list member: `<Name><member>…</member>…</Name>`, `"Name":[…]`. Item names are not used.
    public static func list(_ name: String, _ items: [ResponseNode]) -> ResponseNode {
        ResponseNode(name, .list(items))
    }

    /// A list of strings: `<Name><member>a</member><member>b</member></Name>`, `"Name":["a","b"]`.
    public static func list(_ name: String, strings: [String]) -> ResponseNode {
        ResponseNode(name, .list(strings.map { ResponseNode("member", .string($0)) }))
    }

    /// The content of an `<ActionResult>` element; its own name is not rendered.
    public static func result(_ children: [ResponseNode?]) -> ResponseNode {
        structure("Result", children)
    }
}

extension ResponseNode {
    /// An upper estimate of the XML size, used to reserve capacity once.
    var estimatedSize: Int {
        let tags = 2 * name.utf8.count + 5
        switch value {
        case .string(let text): return tags + text.utf8.count + text.utf8.count / 8
        case .scalar(let text): return tags + text.utf8.count
        case .timestamp: return tags + 20
        case .structure(let children): return children.reduce(tags) { $0 + $1.estimatedSize }
        case .list(let items): return items.reduce(tags) { $0 + $1.estimatedSize + 17 }
        }
    }
}
