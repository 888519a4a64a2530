/// Read access to a response tree, for observers that record what was answered (the audit trail): the same values
/// the XML and JSON writers render, without rendering them.
extension ResponseNode {
    /// One member's value.
    public enum Content: Sendable, Hashable {
        /// Text.
        case string(String)
        /// A number or boolean in canonical text form (`42`, `true`).
        case scalar(String)
        /// Whole seconds since 1970.
        case timestamp(Int64)
        /// The members of a structure, in order.
        case structure([ResponseNode])
        /// The items of a list, in order (their names are not used).
        case list([ResponseNode])
    }

    /// This member's value.
    public var content: Content {
        switch value {
        case .string(let text): .string(text)
        case .scalar(let text): .scalar(text)
        case .timestamp(let seconds): .timestamp(seconds)
        case .structure(let children): .structure(children)
        case .list(let items): .list(items)
        }
    }
}
