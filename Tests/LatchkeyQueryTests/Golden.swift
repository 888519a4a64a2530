/// Golden documents and a helper to compare them "byte for byte modulo whitespace".
enum Golden {
    /// The first GetCallerIdentity sample response of the STS API Reference (2022 edition), verbatim.
    static let getCallerIdentity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
            <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
            <Account>123456789012</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>
        """

    /// An STS error document as AWS sends it (the shape of `<ErrorResponse>` for awsQuery services).
    static let invalidClientTokenId = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>Sender</Type>
            <Code>InvalidClientTokenId</Code>
            <Message>The security token included in the request is invalid.</Message>
          </Error>
          <RequestId>4d0cf5ec-892a-4d3f-84e4-30e9987d9bdd</RequestId>
        </ErrorResponse>
        """

    /// Removes the indentation between tags: whitespace-only runs between `>` and `<`.
    static func compact(_ xml: String) -> String {
        var output = ""
        var pending = ""
        var afterTag = false
        for character in xml {
            if afterTag, character.isWhitespace {
                pending.append(character)
                continue
            }
            if character != "<" { output += pending }
            pending = ""
            output.append(character)
            afterTag = character == ">"
        }
        return output + pending
    }
}
