/// Shapes of the IAM identity-provider and outbound-federation operations, as declared in `iam-2010-05-08.json`.
extension IAMShapes {
    static let openIDConnectProviderUrlType = ShapeSchema.string("OpenIDConnectProviderUrlType", min: 1, max: 255)
    static let clientIDType = ShapeSchema.string("clientIDType", min: 1, max: 255)
    static let clientIDListType = ShapeSchema.list("clientIDListType", of: clientIDType)
    static let thumbprintType = ShapeSchema.string("thumbprintType", min: 40, max: 40)
    static let thumbprintListType = ShapeSchema.list("thumbprintListType", of: thumbprintType)

    /// SAML metadata is public (certificates and endpoints): not redacted.
    static let samlMetadataDocumentType = ShapeSchema.string("SAMLMetadataDocumentType", min: 1000, max: 10_000_000)
    static let samlProviderNameType = ShapeSchema.string(
        "SAMLProviderNameType", min: 1, max: 128, pattern: #"[\w._-]+"#)
    static let assertionEncryptionModeType = ShapeSchema.string(
        "assertionEncryptionModeType", enumValues: ["Required", "Allowed"])
    /// A SAML decryption private key: `sensitive` in the model, so never echoed.
    static let privateKeyType = ShapeSchema.string(
        "privateKeyType", min: 1, max: 16384, pattern: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#, sensitive: true)
    static let privateKeyIdType = ShapeSchema.string("privateKeyIdType", min: 22, max: 64, pattern: #"[A-Z0-9]+"#)
}

extension OperationSchema {
    /// IAM `CreateOpenIDConnectProvider` (`CreateOpenIDConnectProviderRequest`).
    public static let createOpenIDConnectProvider = OperationSchema(
        .iam, "CreateOpenIDConnectProvider",
        input: .structure(
            "CreateOpenIDConnectProviderRequest",
            [
                MemberSchema("Url", IAMShapes.openIDConnectProviderUrlType, required: true),
                MemberSchema("ClientIDList", IAMShapes.clientIDListType),
                MemberSchema("ThumbprintList", IAMShapes.thumbprintListType),
                MemberSchema("Tags", IAMShapes.tagListType),
            ]))

    /// IAM `GetOpenIDConnectProvider` (`GetOpenIDConnectProviderRequest`).
    public static let getOpenIDConnectProvider = oidcProviderOperation("GetOpenIDConnectProvider")

    /// IAM `DeleteOpenIDConnectProvider` (`DeleteOpenIDConnectProviderRequest`).
    public static let deleteOpenIDConnectProvider = oidcProviderOperation("DeleteOpenIDConnectProvider")

    /// IAM `ListOpenIDConnectProviders` (`ListOpenIDConnectProvidersRequest`): no members.
    public static let listOpenIDConnectProviders = OperationSchema(
        .iam, "ListOpenIDConnectProviders", input: .structure("ListOpenIDConnectProvidersRequest", []))

    /// IAM `AddClientIDToOpenIDConnectProvider` (`AddClientIDToOpenIDConnectProviderRequest`).
    public static let addClientIDToOpenIDConnectProvider = oidcProviderOperation(
        "AddClientIDToOpenIDConnectProvider", [MemberSchema("ClientID", IAMShapes.clientIDType, required: true)])

    /// IAM `RemoveClientIDFromOpenIDConnectProvider` (`RemoveClientIDFromOpenIDConnectProviderRequest`).
    public static let removeClientIDFromOpenIDConnectProvider = oidcProviderOperation(
        "RemoveClientIDFromOpenIDConnectProvider", [MemberSchema("ClientID", IAMShapes.clientIDType, required: true)])

    /// IAM `UpdateOpenIDConnectProviderThumbprint` (`UpdateOpenIDConnectProviderThumbprintRequest`).
    public static let updateOpenIDConnectProviderThumbprint = oidcProviderOperation(
        "UpdateOpenIDConnectProviderThumbprint",
        [MemberSchema("ThumbprintList", IAMShapes.thumbprintListType, required: true)])

    /// IAM `TagOpenIDConnectProvider` (`TagOpenIDConnectProviderRequest`).
    public static let tagOpenIDConnectProvider = oidcProviderOperation(
        "TagOpenIDConnectProvider", [MemberSchema("Tags", IAMShapes.tagListType, required: true)])

    /// IAM `UntagOpenIDConnectProvider` (`UntagOpenIDConnectProviderRequest`).
    public static let untagOpenIDConnectProvider = oidcProviderOperation(
        "UntagOpenIDConnectProvider", [MemberSchema("TagKeys", IAMShapes.tagKeyListType, required: true)])

    /// IAM `ListOpenIDConnectProviderTags` (`ListOpenIDConnectProviderTagsRequest`).
    public static let listOpenIDConnectProviderTags = oidcProviderOperation(
        "ListOpenIDConnectProviderTags", IAMShapes.pagination)

    /// An operation whose input is a required `OpenIDConnectProviderArn` followed by `rest`.
    private static func oidcProviderOperation(_ name: String, _ rest: [MemberSchema] = []) -> OperationSchema {
        OperationSchema(
            .iam, name,
            input: .structure(
                name + "Request",
                [MemberSchema("OpenIDConnectProviderArn", IAMShapes.arnType, required: true)] + rest))
    }
}

extension OperationSchema {
    /// IAM `CreateSAMLProvider` (`CreateSAMLProviderRequest`).
    public static let createSAMLProvider = OperationSchema(
        .iam, "CreateSAMLProvider",
        input: .structure(
            "CreateSAMLProviderRequest",
            [
                MemberSchema("SAMLMetadataDocument", IAMShapes.samlMetadataDocumentType, required: true),
                MemberSchema("Name", IAMShapes.samlProviderNameType, required: true),
                MemberSchema("Tags", IAMShapes.tagListType),
                MemberSchema("AssertionEncryptionMode", IAMShapes.assertionEncryptionModeType),
                MemberSchema("AddPrivateKey", IAMShapes.privateKeyType),
            ]))

    /// IAM `UpdateSAMLProvider` (`UpdateSAMLProviderRequest`).
    public static let updateSAMLProvider = OperationSchema(
        .iam, "UpdateSAMLProvider",
        input: .structure(
            "UpdateSAMLProviderRequest",
            [
                MemberSchema("SAMLMetadataDocument", IAMShapes.samlMetadataDocumentType),
                MemberSchema("SAMLProviderArn", IAMShapes.arnType, required: true),
                MemberSchema("AssertionEncryptionMode", IAMShapes.assertionEncryptionModeType),
                MemberSchema("AddPrivateKey", IAMShapes.privateKeyType),
                MemberSchema("RemovePrivateKey", IAMShapes.privateKeyIdType),
            ]))

    /// IAM `GetSAMLProvider` (`GetSAMLProviderRequest`).
    public static let getSAMLProvider = samlProviderOperation("GetSAMLProvider")

    /// IAM `DeleteSAMLProvider` (`DeleteSAMLProviderRequest`).
    public static let deleteSAMLProvider = samlProviderOperation("DeleteSAMLProvider")

    /// IAM `ListSAMLProviders` (`ListSAMLProvidersRequest`): no members.
    public static let listSAMLProviders = OperationSchema(
        .iam, "ListSAMLProviders", input: .structure("ListSAMLProvidersRequest", []))

    /// IAM `TagSAMLProvider` (`TagSAMLProviderRequest`).
    public static let tagSAMLProvider = samlProviderOperation(
        "TagSAMLProvider", [MemberSchema("Tags", IAMShapes.tagListType, required: true)])

    /// IAM `UntagSAMLProvider` (`UntagSAMLProviderRequest`).
    public static let untagSAMLProvider = samlProviderOperation(
        "UntagSAMLProvider", [MemberSchema("TagKeys", IAMShapes.tagKeyListType, required: true)])

    /// IAM `ListSAMLProviderTags` (`ListSAMLProviderTagsRequest`).
    public static let listSAMLProviderTags = samlProviderOperation("ListSAMLProviderTags", IAMShapes.pagination)

    /// An operation whose input is a required `SAMLProviderArn` followed by `rest`.
    private static func samlProviderOperation(_ name: String, _ rest: [MemberSchema] = []) -> OperationSchema {
        OperationSchema(
            .iam, name,
            input: .structure(
                name + "Request", [MemberSchema("SAMLProviderArn", IAMShapes.arnType, required: true)] + rest))
    }
}

extension OperationSchema {
    /// IAM `EnableOutboundWebIdentityFederation`. The model declares no input shape; the table is an empty
    /// structure named `EnableOutboundWebIdentityFederationRequest`, and every parameter besides the transport
    /// keys is ignored, as for any operation.
    public static let enableOutboundWebIdentityFederation = memberlessOperation("EnableOutboundWebIdentityFederation")

    /// IAM `DisableOutboundWebIdentityFederation`: no input shape in the model (see
    /// ``enableOutboundWebIdentityFederation``).
    public static let disableOutboundWebIdentityFederation = memberlessOperation("DisableOutboundWebIdentityFederation")

    /// IAM `GetOutboundWebIdentityFederationInfo`: no input shape in the model (see
    /// ``enableOutboundWebIdentityFederation``).
    public static let getOutboundWebIdentityFederationInfo = memberlessOperation("GetOutboundWebIdentityFederationInfo")

    /// An operation the model gives no input shape; its table is an empty `<name>Request` structure.
    private static func memberlessOperation(_ name: String) -> OperationSchema {
        OperationSchema(.iam, name, input: .structure(name + "Request", []))
    }
}
