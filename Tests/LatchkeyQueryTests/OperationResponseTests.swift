import Foundation
import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct OperationResponseTests {
    static let expiration = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30T00:53:20Z
    static let credentials = Credentials(
        accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG",
        sessionToken: "FwoGZXIvYXdzEXAMPLE",
        expiration: expiration)
    static let assumedRoleUser = AssumedRoleUser(
        assumedRoleId: "AROAEXAMPLE:session", arn: "arn:aws:sts::123456789012:assumed-role/demo/session")

    /// The whole response document, as the server renders it.
    static func xml(_ action: String, _ output: some ResponseEncodable, namespace: String = QueryResponse.stsNamespace)
        -> String
    {
        QueryResponse.xml(action: action, namespace: namespace, result: output.responseNode, requestId: "req-1")
    }

    /// Renders `output`, parses the document as the client does and reads the output back.
    static func roundTrip<Output: ResponseEncodable & ResponseDecodable>(
        _ action: String, _ output: Output, namespace: String = QueryResponse.stsNamespace
    ) throws -> Output {
        let document = try QueryResponse.parse(xml: xml(action, output, namespace: namespace), action: action)
        return try Output(result: document.result)
    }

    @Test("Credentials: members in model order, the expiration in ISO 8601 whole seconds")
    func credentialsGolden() {
        let text = Self.xml("GetSessionToken", GetSessionTokenOutput(credentials: Self.credentials))
        #expect(
            text == """
                <GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>\
                <Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG\
                </SecretAccessKey><SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken><Expiration>2026-11-30T00:53:20Z\
                </Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>req-1</RequestId>\
                </ResponseMetadata></GetSessionTokenResponse>
                """)
    }

    @Test("GetCallerIdentity keeps the order AWS answers (Arn, UserId, Account), not the model's")
    func callerIdentityMatchesAWSSample() {
        let output = GetCallerIdentityOutput(
            userId: "AIDACKCEVSQ6C2EXAMPLE", account: "123456789012", arn: "arn:aws:iam::123456789012:user/Alice")
        let text = QueryResponse.xml(
            action: "GetCallerIdentity", namespace: QueryResponse.stsNamespace, result: output.responseNode,
            requestId: "01234567-89ab-cdef-0123-456789abcdef")
        #expect(text == Golden.compact(Golden.getCallerIdentity))
    }

    @Test("absent members are left out; optional members of a nested structure too")
    func absentMembersAreLeftOut() {
        let output = AssumeRoleOutput(credentials: Self.credentials, assumedRoleUser: Self.assumedRoleUser)
        let expected = ResponseNode.result([
            .structure(
                "Credentials",
                [
                    .string("AccessKeyId", "ASIAEXAMPLEEXAMPLE"), .string("SecretAccessKey", "wJalrXUtnFEMI/K7MDENG"),
                    .string("SessionToken", "FwoGZXIvYXdzEXAMPLE"), .timestamp("Expiration", Self.expiration),
                ]),
            .structure(
                "AssumedRoleUser",
                [
                    .string("AssumedRoleId", "AROAEXAMPLE:session"),
                    .string("Arn", "arn:aws:sts::123456789012:assumed-role/demo/session"),
                ]),
        ])
        #expect(output.responseNode == expected)
    }

    @Test("a list of structures renders as member elements; the pagination trailer follows it")
    func listGolden() {
        let output = ListRoleTagsOutput(
            tags: [IAM.Tag(key: "team", value: "blue"), IAM.Tag(key: "cost", value: "")], isTruncated: true,
            marker: "m1")
        let text = Self.xml("ListRoleTags", output, namespace: QueryResponse.iamNamespace)
        #expect(
            text == """
                <ListRoleTagsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRoleTagsResult><Tags>\
                <member><Key>team</Key><Value>blue</Value></member><member><Key>cost</Key><Value></Value></member>\
                </Tags><IsTruncated>true</IsTruncated><Marker>m1</Marker></ListRoleTagsResult><ResponseMetadata>\
                <RequestId>req-1</RequestId></ResponseMetadata></ListRoleTagsResponse>
                """)
        #expect(
            ListRolePoliciesOutput(policyNames: ["a", "b"]).responseNode
                == .result([.list("PolicyNames", strings: ["a", "b"])]))
        // An empty list is written (GetPolicy answers Tags even when there are none); an absent one is not.
        #expect(GetOpenIDConnectProviderOutput(tags: []).responseNode == .result([.list("Tags", [])]))
        #expect(GetOpenIDConnectProviderOutput().responseNode == .result([]))
    }

    @Test("a nested structure in a structure: Role with its permissions boundary and tags, in IAM's member order")
    func nestedStructureGolden() {
        let role = IAM.Role(
            path: "/", roleName: "demo", roleId: "AROAEXAMPLE", arn: "arn:aws:iam::123456789012:role/demo",
            createDate: Self.expiration, assumeRolePolicyDocument: "%7B%7D", maxSessionDuration: 3600,
            permissionsBoundary: IAM.AttachedPermissionsBoundary(
                permissionsBoundaryType: "PermissionsBoundaryPolicy",
                permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary"),
            tags: [IAM.Tag(key: "team", value: "blue")], roleLastUsed: IAM.RoleLastUsed())
        let text = Self.xml("GetRole", GetRoleOutput(role: role), namespace: QueryResponse.iamNamespace)
        #expect(
            text == """
                <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path>\
                <RoleName>demo</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::123456789012:role/demo</Arn>\
                <CreateDate>2026-11-30T00:53:20Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>\
                <MaxSessionDuration>3600</MaxSessionDuration><PermissionsBoundary><PermissionsBoundaryType>\
                PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>\
                arn:aws:iam::123456789012:policy/boundary</PermissionsBoundaryArn></PermissionsBoundary><Tags><member>\
                <Key>team</Key><Value>blue</Value></member></Tags><RoleLastUsed></RoleLastUsed></Role></GetRoleResult>\
                <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>
                """)
    }

    @Test("an operation without an output has no result element; an output without members an empty one")
    func emptyOutputs() {
        #expect(DeleteRoleOutput().responseNode == nil)
        #expect(DisableOutboundWebIdentityFederationOutput().responseNode == nil)
        #expect(
            Self.xml("DeleteRole", DeleteRoleOutput(), namespace: QueryResponse.iamNamespace)
                == """
                <DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>req-1\
                </RequestId></ResponseMetadata></DeleteRoleResponse>
                """)
        // UpdateRole's output shape has no members: IAM answers an empty UpdateRoleResult.
        #expect(UpdateRoleOutput().responseNode == .result([]))
    }

    @Test("blobs are base64 on the wire, booleans true/false")
    func blobsAndBooleans() {
        let device = IAM.VirtualMFADevice(
            serialNumber: "arn:aws:iam::123456789012:mfa/phone", base32StringSeed: Data("JBSWY3DPEHPK3PXP".utf8))
        #expect(
            CreateVirtualMFADeviceOutput(virtualMFADevice: device).responseNode
                == .result([
                    .structure(
                        "VirtualMFADevice",
                        [
                            .string("SerialNumber", "arn:aws:iam::123456789012:mfa/phone"),
                            .string("Base32StringSeed", Data("JBSWY3DPEHPK3PXP".utf8).base64EncodedString()),
                        ])
                ]))
        #expect(
            GetOutboundWebIdentityFederationInfoOutput(issuerIdentifier: "https://x", jwtVendingEnabled: false)
                .responseNode
                == .result([.string("IssuerIdentifier", "https://x"), .boolean("JwtVendingEnabled", false)]))
    }

    @Test("every STS output reads back equal to what was rendered, with every member set")
    func stsOutputsRoundTrip() throws {
        let credentials = Self.credentials
        let user = Self.assumedRoleUser
        #expect(
            try Self.roundTrip(
                "AssumeRole",
                AssumeRoleOutput(
                    credentials: credentials, assumedRoleUser: user, packedPolicySize: 6, sourceIdentity: "me"))
                == AssumeRoleOutput(
                    credentials: credentials, assumedRoleUser: user, packedPolicySize: 6, sourceIdentity: "me"))
        let saml = AssumeRoleWithSAMLOutput(
            credentials: credentials, assumedRoleUser: user, packedPolicySize: 1, subject: "s",
            subjectType: "persistent",
            issuer: "https://idp", audience: "https://signin.aws.amazon.com/saml", nameQualifier: "q",
            sourceIdentity: "i")
        #expect(try Self.roundTrip("AssumeRoleWithSAML", saml) == saml)
        let web = AssumeRoleWithWebIdentityOutput(
            credentials: credentials, subjectFromWebIdentityToken: "sub", assumedRoleUser: user, packedPolicySize: 2,
            provider: "accounts.example.com", audience: "client", sourceIdentity: "i")
        #expect(try Self.roundTrip("AssumeRoleWithWebIdentity", web) == web)
        let root = AssumeRootOutput(credentials: credentials, sourceIdentity: "i")
        #expect(try Self.roundTrip("AssumeRoot", root) == root)
        let decoded = DecodeAuthorizationMessageOutput(decodedMessage: #"{"allowed":false,"note":"<&>"}"#)
        #expect(try Self.roundTrip("DecodeAuthorizationMessage", decoded) == decoded)
        let info = GetAccessKeyInfoOutput(account: "123456789012")
        #expect(try Self.roundTrip("GetAccessKeyInfo", info) == info)
        let identity = GetCallerIdentityOutput(
            userId: "AIDA", account: "123456789012", arn: "arn:aws:iam::123456789012:user/a")
        #expect(try Self.roundTrip("GetCallerIdentity", identity) == identity)
        let delegated = GetDelegatedAccessTokenOutput(
            credentials: credentials, packedPolicySize: 3, assumedPrincipal: "p")
        #expect(try Self.roundTrip("GetDelegatedAccessToken", delegated) == delegated)
        let federation = GetFederationTokenOutput(
            credentials: credentials,
            federatedUser: FederatedUser(
                federatedUserId: "123456789012:bob", arn: "arn:aws:sts::123456789012:federated-user/bob"),
            packedPolicySize: 4)
        #expect(try Self.roundTrip("GetFederationToken", federation) == federation)
        let session = GetSessionTokenOutput(credentials: credentials)
        #expect(try Self.roundTrip("GetSessionToken", session) == session)
        let token = GetWebIdentityTokenOutput(webIdentityToken: "eyJ.eyJ.sig", expiration: Self.expiration)
        #expect(try Self.roundTrip("GetWebIdentityToken", token) == token)
        #expect(try Self.roundTrip("GetCallerIdentity", GetCallerIdentityOutput()) == GetCallerIdentityOutput())
    }

    @Test(
        "IAM outputs read back too: lists, nested structures, blobs, booleans, an absent required member allowed by Latchkey"
    )
    func iamOutputsRoundTrip() throws {
        let namespace = QueryResponse.iamNamespace
        let root = GetUserOutput(
            user: IAM.User(userId: "123456789012", arn: "arn:aws:iam::123456789012:root", createDate: Self.expiration))
        #expect(try Self.roundTrip("GetUser", root, namespace: namespace) == root)
        let users = ListUsersOutput(
            users: [
                IAM.User(
                    userId: "AIDA1", arn: "arn:aws:iam::123456789012:user/a", createDate: Self.expiration, path: "/",
                    userName: "a", tags: [IAM.Tag(key: "k", value: "v")])
            ], isTruncated: false)
        #expect(try Self.roundTrip("ListUsers", users, namespace: namespace) == users)
        let device = CreateVirtualMFADeviceOutput(
            virtualMFADevice: IAM.VirtualMFADevice(
                serialNumber: "arn:aws:iam::123456789012:mfa/phone", base32StringSeed: Data("JBSWY3DP".utf8),
                qrCodePNG: Data([0x89, 0x50, 0x4E, 0x47]), tags: []))
        #expect(try Self.roundTrip("CreateVirtualMFADevice", device, namespace: namespace) == device)
        let saml = GetSAMLProviderOutput(
            samlProviderUUID: "u", samlMetadataDocument: "<md/>", createDate: Self.expiration,
            validUntil: Self.expiration,
            tags: [], assertionEncryptionMode: "Allowed", privateKeyList: [])
        #expect(try Self.roundTrip("GetSAMLProvider", saml, namespace: namespace) == saml)
        let policy = GetPolicyOutput(
            policy: IAM.Policy(
                policyName: "p", attachmentCount: 2, isAttachable: true, createDate: Self.expiration, tags: []))
        #expect(try Self.roundTrip("GetPolicy", policy, namespace: namespace) == policy)
        #expect(try Self.roundTrip("DeleteRole", DeleteRoleOutput(), namespace: namespace) == DeleteRoleOutput())
        #expect(try Self.roundTrip("UpdateRole", UpdateRoleOutput(), namespace: namespace) == UpdateRoleOutput())
    }

    @Test(
        "reading is as strict as the client's: a malformed or missing required member throws, absent optional members are nil"
    )
    func decodingStrictness() throws {
        func result(_ inner: String, action: String = "AssumeRole") throws -> XMLReader.Element? {
            let text = """
                <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><\(action)Result>\(inner)\
                </\(action)Result></\(action)Response>
                """
            return try QueryResponse.parse(xml: text, action: action).result
        }
        let noToken = try result(
            "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                + "<Expiration>2026-11-30T00:53:20Z</Expiration></Credentials>")
        let missing = #expect(throws: ResponseDecodingError.self) { try AssumeRoleOutput(result: noToken) }
        #expect(missing?.reason.contains("SessionToken") == true)
        #expect(throws: ResponseDecodingError.self) {
            try AssumeRoleOutput(result: try result("<PackedPolicySize>six</PackedPolicySize>"))
        }
        #expect(throws: ResponseDecodingError.self) {
            try GetWebIdentityTokenOutput(
                result: try result("<Expiration>yesterday</Expiration>", action: "GetWebIdentityToken"))
        }
        #expect(throws: ResponseDecodingError.self) {
            try GetOutboundWebIdentityFederationInfoOutput(
                result: try result(
                    "<JwtVendingEnabled>yes</JwtVendingEnabled>", action: "GetOutboundWebIdentityFederationInfo"))
        }
        #expect(throws: ResponseDecodingError.self) {
            try CreateVirtualMFADeviceOutput(
                result: try result(
                    "<VirtualMFADevice><SerialNumber>s</SerialNumber><QRCodePNG>***</QRCodePNG></VirtualMFADevice>",
                    action: "CreateVirtualMFADevice"))
        }
        // Whitespace around numbers and timestamps is tolerated, as the client does today.
        let padded = try AssumeRoleOutput(
            result: try result("<PackedPolicySize> 6\n</PackedPolicySize><Unknown>x</Unknown>"))
        #expect(padded == AssumeRoleOutput(packedPolicySize: 6))
        #expect(try AssumeRoleOutput(result: nil) == AssumeRoleOutput())
    }
}
