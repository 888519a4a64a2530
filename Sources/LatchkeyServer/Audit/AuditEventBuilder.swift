import Foundation
import LatchkeyBase
import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

/// Builds one CloudTrail record (`eventVersion` 1.08) from an answered request, with every secret removed.
///
/// What is never recorded: a member whose shape is sensitive or redacted (``MemberSchema/isRedacted``) and, as a
/// second line of defence, any member named in ``deniedNames`` (secret keys, session tokens, passwords, SAML
/// assertions, web identity tokens, MFA codes, seeds, private keys), in the request and in the response: their
/// value is replaced by ``hidden``, as CloudTrail does. The error message is the server's own; any redacted input
/// value found in it is replaced too. An access key ID is only recorded when it looks like one.
///
/// Requests whose action is not a registered operation (unknown or missing `Action`, unknown `Version`, a bad
/// method, a body too large to read) are not recorded: AWS records nothing for them either, and their raw action
/// would be attacker-controlled text in the trail.
enum AuditEventBuilder {
    /// What CloudTrail writes in place of a sensitive value.
    static let hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

    /// Member names (lowercased) whose value is never recorded, whatever their schema says.
    static let deniedNames: Set<String> = [
        "secretaccesskey", "sessiontoken", "password", "newpassword", "oldpassword", "samlassertion",
        "webidentitytoken", "tokencode", "authenticationcode1", "authenticationcode2", "base32stringseed",
        "qrcodepng", "privatekey", "subjecttoken", "contextassertion", "providedcontexts", "servicepassword",
        "tradeintoken", "clienttoken", "samlresponse", "credentials.secretaccesskey",
    ]

    static func isDenied(_ name: String) -> Bool { deniedNames.contains(name.lowercased()) }

    /// The record for `request`, or nil when it is not recorded (no registered operation).
    static func record(for request: CompletedRequest, eventId: String) -> AuditRecord? {
        guard let declaration = request.declaration else { return nil }
        let identity = userIdentity(request, declaration: declaration)
        let eventSource = declaration.service == .iam ? "iam.amazonaws.com" : "sts.amazonaws.com"
        let readOnly = declaration.access == .read
        let eventTime = AWSTimestamp.string(from: request.eventTime)
        let accountId = request.caller?.accountId ?? accountFromARN(request.input?.string("RoleArn"))
        let (resourcesJSON, resources) = self.resources(request, accountId: accountId)

        var members: [JSONObject.Member] = []
        func add(_ key: String, _ value: JSONValue?) {
            if let value { members.append(.init(key: key, value: value)) }
        }
        add("eventVersion", .string("1.08"))
        add("userIdentity", identity.json)
        add("eventTime", .string(eventTime))
        add("eventSource", .string(eventSource))
        add("eventName", .string(declaration.name))
        add("awsRegion", .string(sanitizedRegion(request.metadata.requestedRegion) ?? "us-east-1"))
        add("sourceIPAddress", .string(request.metadata.sourceIp ?? "unknown"))
        add("userAgent", request.metadata.userAgent.map { .string(String($0.prefix(1024))) } ?? .null)
        if let error = request.error {
            add("errorCode", .string(error.code.wireCode))
            add("errorMessage", .string(scrubbed(error.message, input: request.input, schema: declaration.schema)))
        }
        add("requestParameters", requestParameters(request.input, schema: declaration.schema))
        add("responseElements", responseElements(request, declaration: declaration))
        add("requestID", .string(request.requestId))
        add("eventID", .string(eventId))
        add("readOnly", .bool(readOnly))
        if !resourcesJSON.isEmpty { add("resources", .array(resourcesJSON)) }
        add("eventType", .string("AwsApiCall"))
        add("managementEvent", .bool(true))
        add("recipientAccountId", accountId.map { .string($0) })
        add("eventCategory", .string("Management"))
        if request.metadata.secureTransport {
            add("tlsDetails", .object(JSONObject(members: [.init(key: "clientProvidedHostHeader", value: .null)])))
        }
        let text = JSONValue.object(JSONObject(members: members)).serialized
        return AuditRecord(
            eventId: eventId, eventTime: request.eventTime, accountId: accountId, eventSource: eventSource,
            eventName: declaration.name, readOnly: readOnly, username: identity.username,
            accessKeyId: identity.accessKeyId, resources: resources, cloudTrailEvent: text)
    }

    // MARK: userIdentity

    struct Identity {
        var json: JSONValue
        var username: String?
        var accessKeyId: String?
    }

    static func userIdentity(_ request: CompletedRequest, declaration: OperationDeclaration) -> Identity {
        guard let caller = request.caller else {
            return unauthenticatedIdentity(request, declaration: declaration)
        }
        let accessKeyId = sanitizedAccessKeyId(caller.accessKeyId)
        var fields = Fields()
        switch caller.credentials {
        case .root:
            fields.add("type", "Root")
            fields.add("principalId", caller.accountId)
            fields.add("arn", caller.arn)
            fields.add("accountId", caller.accountId)
            fields.add("accessKeyId", accessKeyId)
            return Identity(json: fields.json, username: "root", accessKeyId: accessKeyId)
        case .user(let user):
            fields.add("type", "IAMUser")
            fields.add("principalId", user.userId)
            fields.add("arn", user.arn)
            fields.add("accountId", caller.accountId)
            fields.add("accessKeyId", accessKeyId)
            fields.add("userName", user.userName)
            return Identity(json: fields.json, username: user.userName, accessKeyId: accessKeyId)
        case .temporary(let claims):
            return sessionIdentity(claims, caller: caller, accessKeyId: accessKeyId)
        }
    }

    private static func sessionIdentity(_ claims: SessionTokenClaims, caller: Caller, accessKeyId: String?)
        -> Identity
    {
        var fields = Fields()
        var context = Fields()
        var username: String?
        let sourceName = lastPathComponent(claims.sourcePrincipalArn)
        switch claims.kind {
        case .assumedRole:
            fields.add("type", "AssumedRole")
            username = claims.sessionName
            var issuer = Fields()
            issuer.add("type", "Role")
            issuer.add("principalId", claims.roleId)
            issuer.add("arn", claims.roleArn)
            issuer.add("accountId", claims.accountId)
            issuer.add("userName", claims.roleArn.map(lastPathComponent))
            context.add("sessionIssuer", issuer.json)
            let source = claims.sourcePrincipalArn
            if source.contains(":oidc-provider/") || source.contains(":saml-provider/") {
                var federation = Fields()
                federation.add("federatedProvider", source)
                federation.add("attributes", JSONValue.object(JSONObject(members: [])))
                context.add("webIdFederationData", federation.json)
            }
        case .federatedUser:
            fields.add("type", "FederatedUser")
            username = claims.sessionName
            var issuer = Fields()
            issuer.add("type", claims.sourcePrincipalArn.hasSuffix(":root") ? "Root" : "IAMUser")
            issuer.add("arn", claims.sourcePrincipalArn)
            issuer.add("accountId", claims.accountId)
            issuer.add("userName", claims.sourcePrincipalArn.hasSuffix(":root") ? nil : sourceName)
            context.add("sessionIssuer", issuer.json)
        case .sessionToken:
            fields.add("type", "IAMUser")
            username = lastPathComponent(claims.principalArn)
        case .rootSession:
            fields.add("type", "Root")
            username = "root"
        default:
            fields.add("type", "Unknown")
        }
        fields.add("principalId", claims.userId)
        fields.add("arn", claims.principalArn)
        fields.add("accountId", claims.accountId)
        fields.add("accessKeyId", accessKeyId)
        if claims.kind == .sessionToken { fields.add("userName", username) }
        var attributes = Fields()
        attributes.add("creationDate", AWSTimestamp.string(from: claims.issuedAt))
        attributes.add("mfaAuthenticated", claims.mfaAuthenticated ? "true" : "false")
        context.add("attributes", attributes.json)
        context.add("sourceIdentity", claims.sourceIdentity)
        fields.add("sessionContext", context.json)
        return Identity(json: fields.json, username: username, accessKeyId: accessKeyId)
    }

    /// Unsigned federation calls (identified by what they proved, taken from the answer) and failed authentication
    /// (only the access key the request was signed with, when it looks like one).
    private static func unauthenticatedIdentity(_ request: CompletedRequest, declaration: OperationDeclaration)
        -> Identity
    {
        var fields = Fields()
        let result = request.result
        switch declaration.name {
        case "AssumeRoleWithWebIdentity" where declaration.isUnsigned:
            fields.add("type", "WebIdentityUser")
            let provider = result?.childString("Provider") ?? request.input?.string("ProviderId")
            let subject = result?.childString("SubjectFromWebIdentityToken")
            let audience = result?.childString("Audience")
            if let provider, let subject {
                fields.add("principalId", [provider, audience, subject].compactMap { $0 }.joined(separator: ":"))
            }
            fields.add("userName", subject)
            fields.add("identityProvider", provider)
            return Identity(json: fields.json, username: subject, accessKeyId: nil)
        case "AssumeRoleWithSAML" where declaration.isUnsigned:
            fields.add("type", "SAMLUser")
            let subject = result?.childString("Subject")
            let qualifier = result?.childString("NameQualifier")
            if let subject {
                fields.add("principalId", [qualifier, subject].compactMap { $0 }.joined(separator: ":"))
            }
            fields.add("userName", subject)
            fields.add("identityProvider", request.input?.string("PrincipalArn"))
            return Identity(json: fields.json, username: subject, accessKeyId: nil)
        default:
            fields.add("type", "Unknown")
            let accessKeyId = request.signingAccessKeyId.flatMap(sanitizedAccessKeyId)
            fields.add("accessKeyId", accessKeyId)
            return Identity(json: fields.json, username: nil, accessKeyId: accessKeyId)
        }
    }

    // MARK: Parameters and response

    /// The input's members, keys with their first letter lowered; redacted values hidden; null when none.
    static func requestParameters(_ input: QueryInput?, schema: OperationSchema) -> JSONValue {
        guard let input, !input.memberNames.isEmpty else { return .null }
        return structure(input, shape: schema.input)
    }

    private static func structure(_ input: QueryInput, shape: ShapeSchema) -> JSONValue {
        var members: [JSONObject.Member] = []
        for member in shape.members where input.contains(member.wireName) {
            let value: JSONValue
            if member.isRedacted || isDenied(member.wireName) {
                value = .string(hidden)
            } else {
                value = self.value(of: member, in: input)
            }
            members.append(.init(key: member.messageName, value: value))
        }
        return .object(JSONObject(members: members))
    }

    private static func value(of member: MemberSchema, in input: QueryInput) -> JSONValue {
        let name = member.wireName
        switch member.shape.kind {
        case .string: return input.string(name).map { .string($0) } ?? .null
        case .integer: return input.int(name).map { .number(String($0)) } ?? .null
        case .boolean: return input.bool(name).map { .bool($0) } ?? .null
        case .timestamp: return input.timestamp(name).map { .string(AWSTimestamp.string(from: $0)) } ?? .null
        case .blob: return .string(hidden)
        case .structure: return input.structure(name).map { structure($0, shape: member.shape) } ?? .null
        case .list:
            guard let element = member.shape.element else { return .array([]) }
            if element.isRedacted { return .array(input.strings(name).map { _ in .string(hidden) }) }
            switch element.kind {
            case .string: return .array(input.strings(name).map { .string($0) })
            case .structure: return .array(input.structures(name).map { structure($0, shape: element) })
            default: return .array([])
            }
        }
    }

    /// The answer, for writes and for the STS calls that issue credentials (CloudTrail leaves it null for other
    /// reads); secrets hidden; null on error.
    static func responseElements(_ request: CompletedRequest, declaration: OperationDeclaration) -> JSONValue {
        guard request.error == nil, let result = request.result else { return .null }
        guard declaration.access == .write || result.childNamed("Credentials") != nil else { return .null }
        return responseValue(result, name: "")
    }

    private static func responseValue(_ node: ResponseNode, name: String) -> JSONValue {
        switch node.content {
        case .string(let text): return isDenied(name) ? .string(hidden) : .string(text)
        case .scalar(let text):
            if isDenied(name) { return .string(hidden) }
            if text == "true" || text == "false" { return .bool(text == "true") }
            return .number(text)
        case .timestamp(let seconds): return .string(AWSTimestamp.string(epochSeconds: seconds))
        case .structure(let children):
            var seen = Set<String>()
            var members: [JSONObject.Member] = []
            for child in children {
                let key = lowerFirst(child.name)
                guard seen.insert(key).inserted else { continue }
                let value = isDenied(child.name) ? .string(hidden) : responseValue(child, name: child.name)
                members.append(.init(key: key, value: value))
            }
            return .object(JSONObject(members: members))
        case .list(let items):
            return .array(items.map { isDenied(name) ? .string(hidden) : responseValue($0, name: name) })
        }
    }

    /// `message` with every redacted or denied input value (six characters or more) replaced by ``hidden``.
    static func scrubbed(_ message: String, input: QueryInput?, schema: OperationSchema) -> String {
        var message = String(message.prefix(2048))
        guard let input else { return message }
        var secrets: [String] = []
        collectSecrets(input, shape: schema.input, into: &secrets)
        for secret in secrets where secret.count >= 6 && message.contains(secret) {
            message = message.replacingOccurrences(of: secret, with: hidden)
        }
        return message
    }

    private static func collectSecrets(_ input: QueryInput, shape: ShapeSchema, into secrets: inout [String]) {
        for member in shape.members where input.contains(member.wireName) {
            let name = member.wireName
            if member.isRedacted || isDenied(name) {
                if let text = input.string(name) { secrets.append(text) }
                secrets.append(contentsOf: input.strings(name))
            }
            if member.shape.kind == .structure, let nested = input.structure(name) {
                collectSecrets(nested, shape: member.shape, into: &secrets)
            }
            if member.shape.kind == .list, let element = member.shape.element, element.kind == .structure {
                for nested in input.structures(name) { collectSecrets(nested, shape: element, into: &secrets) }
            }
        }
    }

    // MARK: Resources

    /// CloudTrail's `resources` (those with an ARN) and the resources `LookupEvents` filters by name.
    static func resources(_ request: CompletedRequest, accountId: String?) -> ([JSONValue], [AuditRecord.Resource]) {
        var json: [JSONValue] = []
        var named: [AuditRecord.Resource] = []
        func add(type: String, name: String?, arn: String? = nil) {
            guard let name, !name.isEmpty else { return }
            let resource = AuditRecord.Resource(type: type, name: name)
            if !named.contains(resource) { named.append(resource) }
            if let arn {
                var fields = Fields()
                fields.add("ARN", arn)
                fields.add("accountId", accountFromARN(arn) ?? accountId)
                fields.add("type", type)
                json.append(fields.json)
            }
        }
        let input = request.input
        if let roleArn = input?.string("RoleArn") { add(type: "AWS::IAM::Role", name: roleArn, arn: roleArn) }
        if let roleName = input?.string("RoleName") {
            add(type: "AWS::IAM::Role", name: roleName, arn: roleArnFromResult(request.result))
        }
        add(type: "AWS::STS::AssumedRole", name: input?.string("RoleSessionName"))
        if request.action == "GetFederationToken" {
            add(type: "AWS::STS::FederatedUser", name: input?.string("Name"))
        }
        add(type: "AWS::IAM::User", name: input?.string("UserName"))
        add(type: "AWS::IAM::Group", name: input?.string("GroupName"))
        if let policyArn = input?.string("PolicyArn") { add(type: "AWS::IAM::Policy", name: policyArn, arn: policyArn) }
        if let provider = input?.string("OpenIDConnectProviderArn") {
            add(type: "AWS::IAM::OIDCProvider", name: provider, arn: provider)
        }
        let samlProvider =
            input?.string("SAMLProviderArn")
            ?? (request.action == "AssumeRoleWithSAML" ? input?.string("PrincipalArn") : nil)
        if let provider = samlProvider {
            add(type: "AWS::IAM::SAMLProvider", name: provider, arn: provider)
        }
        add(type: "AWS::IAM::AccessKey", name: input?.string("AccessKeyId").flatMap(sanitizedAccessKeyId))
        // The access key a call issued, so later calls signed with it can be traced to this one.
        if request.error == nil, let result = request.result {
            let issued =
                result.childNamed("Credentials")?.childString("AccessKeyId")
                ?? result.childNamed("AccessKey")?.childString("AccessKeyId")
            add(type: "AWS::IAM::AccessKey", name: issued.flatMap(sanitizedAccessKeyId))
        }
        return (json, named)
    }

    private static func roleArnFromResult(_ result: ResponseNode?) -> String? {
        result?.childNamed("Role")?.childString("Arn")
    }

    // MARK: Helpers

    /// An access key ID as AWS shapes them (16 to 128 upper-case letters and digits), else nil: a value sent where
    /// the key ID belongs may be anything, a secret included.
    static func sanitizedAccessKeyId(_ text: String) -> String? {
        guard (16...128).contains(text.utf8.count),
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) })
        else { return nil }
        return text
    }

    /// A region as signatures carry them (`us-east-1`), else nil.
    static func sanitizedRegion(_ text: String?) -> String? {
        guard let text, (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D })
        else { return nil }
        return text
    }

    static func accountFromARN(_ arn: String?) -> String? {
        guard let arn else { return nil }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "arn", parts[4].count == 12, parts[4].allSatisfy(\.isNumber) else {
            return nil
        }
        return String(parts[4])
    }

    static func lastPathComponent(_ arn: String) -> String {
        guard let slash = arn.lastIndex(of: "/") else { return arn }
        return String(arn[arn.index(after: slash)...])
    }

    static func lowerFirst(_ name: String) -> String {
        name.prefix(1).lowercased() + name.dropFirst()
    }

    /// An ordered JSON object whose nil members are left out.
    struct Fields {
        var members: [JSONObject.Member] = []
        mutating func add(_ key: String, _ value: String?) {
            if let value { members.append(.init(key: key, value: .string(value))) }
        }
        mutating func add(_ key: String, _ value: JSONValue) {
            members.append(.init(key: key, value: value))
        }
        var json: JSONValue { .object(JSONObject(members: members)) }
    }
}

extension ResponseNode {
    /// The first child of a structure named `name`.
    func childNamed(_ name: String) -> ResponseNode? {
        guard case .structure(let children) = content else { return nil }
        return children.first { $0.name == name }
    }

    /// The text of the child `name`, when it is a string.
    func childString(_ name: String) -> String? {
        guard let child = childNamed(name), case .string(let text) = child.content else { return nil }
        return text
    }
}
