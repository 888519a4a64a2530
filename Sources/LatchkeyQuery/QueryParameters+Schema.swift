public import LatchkeyModel

extension OperationSchema {
    /// ``decode(_:)`` straight from parsed parameters: no dictionary is built for the decoder.
    public func decode(_ parameters: QueryParameters) throws(STSError) -> QueryInput {
        try decode(keys: parameters.keys, values: parameters.values)
    }
}

extension OperationInput {
    /// ``init(validating:)`` straight from parsed parameters (``OperationSchema/decode(_:)``, then the typed input).
    public init(validating parameters: QueryParameters) throws(STSError) {
        try self.init(decoding: Self.operation.schema.decode(parameters))
    }
}
