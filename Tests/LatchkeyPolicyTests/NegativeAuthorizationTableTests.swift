import Testing

@testable import LatchkeyPolicy

/// The negative authorization table: for every way `Authorization.decide` can say "allowed" (each principal-match
/// kind, same and cross account, with and without boundary and session policies) and for every STS action that
/// authorizes, the allowed case and, for each of its ingredients, the same case with exactly that ingredient
/// removed, which must be denied for the stated reason. Every scenario cites the IAM User Guide (or STS API
/// Reference) sentence it follows.
///
/// Actions: `sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:AssumeRoleWithWebIdentity`,
/// `sts:AssumeRoleWithSAML` (decided against a role's trust policy, ``ResourceKind/roleTrust``) and
/// `sts:GetFederationToken`, `sts:GetWebIdentityToken`, `sts:DecodeAuthorizationMessage` (identity-based only).
@Suite struct NegativeAuthorizationTableTests {
    @Test("the table covers every allow path and every authorizing STS action")
    func tableIsComplete() {
        let scenarios = NegativeAuthorizationTable.scenarios
        #expect(scenarios.count >= 25)
        let actions = Set(scenarios.map(\.base.action))
        for action in [
            "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRoleWithWebIdentity",
            "sts:AssumeRoleWithSAML", "sts:GetFederationToken", "sts:GetWebIdentityToken",
            "sts:DecodeAuthorizationMessage",
        ] {
            #expect(actions.contains(action), "no scenario for \(action)")
        }
        #expect(scenarios.allSatisfy { !$0.removals.isEmpty }, "an allowed case without a removal row")
        #expect(scenarios.allSatisfy { !$0.cites.isEmpty })
    }

    @Test("each allowed case is allowed", arguments: NegativeAuthorizationTable.scenarios)
    func allowedCase(_ scenario: NegativeAuthorizationTable.Scenario) throws {
        let decision = Authorization.decide(try scenario.base.input())
        #expect(decision.isAllowed, "\(scenario.name): \(decision.reason)")
    }

    @Test(
        "each case with one ingredient removed is denied, for the expected reason",
        arguments: NegativeAuthorizationTable.rows)
    func deniedCase(_ row: NegativeAuthorizationTable.Row) throws {
        let decision = Authorization.decide(try row.input.input())
        #expect(!decision.isAllowed, "\(row.name) was allowed: \(decision.reason)")
        #expect(decision.reason == row.reason, "\(row.name)")
        #expect(decision.isExplicitDeny == row.reason.hasPrefix("with an explicit deny"))
    }
}

enum NegativeAuthorizationTable {
    static let a = "111122223333"
    static let b = "444455556666"
    static let alice = "arn:aws:iam::\(a):user/alice"
    static let bob = "arn:aws:iam::\(a):user/bob"
    static let partnerUser = "arn:aws:iam::\(b):user/carol"
    static let role = "arn:aws:iam::\(a):role/target"
    static let sessionRole = "arn:aws:iam::\(a):role/app"
    static let session = "arn:aws:sts::\(a):assumed-role/app/s1"
    static let oidc = "arn:aws:iam::\(a):oidc-provider/issuer.example.com"
    static let otherOIDC = "arn:aws:iam::\(a):oidc-provider/other.example.com"
    static let saml = "arn:aws:iam::\(a):saml-provider/corp"

    /// Who asks.
    enum Who: Sendable {
        case user(String, account: String)
        case roleSession(String, role: String, account: String)
        case provider(String, account: String)

        var principal: PolicyPrincipal {
            switch self {
            case .user(let arn, let account): .aws(arn, account: account)
            case .roleSession(let arn, let role, let account): .aws(arn, derivedFrom: [role], account: account)
            case .provider(let arn, let account): .federated(arn, account: account)
            }
        }

        var account: String {
            switch self {
            case .user(_, let account), .roleSession(_, _, let account), .provider(_, let account): account
            }
        }
    }

    /// One request and every policy that weighs on it.
    struct Input: Sendable {
        var who: Who
        var action: String
        var resource: String
        var resourceAccount: String
        var resourceKind: ResourceKind = .standard
        var identity: [String] = []
        var resourcePolicy: String?
        var boundary: String?
        var session: [String]?
        var context: [String: [String]] = [:]

        func input() throws -> AuthorizationInput {
            func parse(_ text: String, _ kind: PolicyKind, _ id: String) throws -> NamedPolicy {
                NamedPolicy(id: id, document: try PolicyDocument.parse(text, kind: kind))
            }
            return AuthorizationInput(
                request: PolicyRequest(action: action, resource: resource, principal: who.principal, context: context),
                principalAccount: who.account, resourceAccount: resourceAccount,
                identityPolicies: try identity.enumerated().map { try parse($1, .identity, "identity-\($0)") },
                resourcePolicy: try resourcePolicy.map { try parse($0, .resource, "resource") },
                permissionsBoundary: try boundary.map { try parse($0, .permissionsBoundary, "boundary") },
                sessionPolicies: try session?.enumerated().map { try parse($1, .session, "session-\($0)") },
                resourceKind: resourceKind)
        }
    }

    /// An allowed case and its one-ingredient removals.
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        /// The sentence of the IAM User Guide (or the STS API Reference) the case follows.
        let cites: String
        let base: Input
        /// (what is removed, the input without it, the expected reason of the denial)
        let removals: [(String, Input, String)]

        var testDescription: String { name }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let input: Input
        let reason: String
        var testDescription: String { name }
    }

    static var rows: [Row] {
        scenarios.flatMap { scenario in
            scenario.removals.map { Row(name: "\(scenario.name), without \($0.0)", input: $0.1, reason: $0.2) }
        }
    }

    // Policy text.

    static func document(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    static func allow(_ action: String, _ resource: String = "*", condition: String? = nil) -> String {
        document(
            #"{"Effect":"Allow","Action":"\#(action)","Resource":"\#(resource)"\#(condition.map { ",\"Condition\":\($0)" } ?? "")}"#
        )
    }

    static func deny(_ action: String, _ resource: String = "*") -> String {
        document(#"{"Effect":"Deny","Action":"\#(action)","Resource":"\#(resource)"}"#)
    }

    static func trust(_ principal: String, _ action: String = "sts:AssumeRole", condition: String? = nil) -> String {
        document(
            #"{"Effect":"Allow","Principal":\#(principal),"Action":"\#(action)"\#(condition.map { ",\"Condition\":\($0)" } ?? "")}"#
        )
    }

    static func aws(_ arn: String) -> String { #"{"AWS":"\#(arn)"}"# }
    static func federated(_ arn: String) -> String { #"{"Federated":"\#(arn)"}"# }

    static func noIdentity(_ action: String) -> String {
        "because no identity-based policy allows the \(action) action"
    }
    static func noResource(_ action: String) -> String {
        "because no resource-based policy allows the \(action) action"
    }
    static func noBoundary(_ action: String) -> String { "because no permissions boundary allows the \(action) action" }
    static func noSession(_ action: String) -> String { "because no session policy allows the \(action) action" }
    static let explicitIdentityDeny = "with an explicit deny in an identity-based policy"
    static let explicitResourceDeny = "with an explicit deny in a resource-based policy"

    static func with(_ input: Input, _ change: (inout Input) -> Void) -> Input {
        var copy = input
        change(&copy)
        return copy
    }

    // The scenarios.

    static let scenarios: [Scenario] =
        roleTrustSameAccount + roleTrustConditions + roleTrustCrossAccount
        + federatedTrust + standardResources

    /// A role's trust policy in its own account.
    static var roleTrustSameAccount: [Scenario] {
        let action = "sts:AssumeRole"
        let byUser = Input(
            who: .user(alice, account: a), action: action, resource: role, resourceAccount: a, resourceKind: .roleTrust,
            resourcePolicy: trust(aws(alice)))
        let byAccount = with(byUser) {
            $0.resourcePolicy = trust(aws("arn:aws:iam::\(a):root"))
            $0.identity = [allow(action, role)]
        }
        let bySession = Input(
            who: .roleSession(session, role: sessionRole, account: a), action: action, resource: role,
            resourceAccount: a,
            resourceKind: .roleTrust, resourcePolicy: trust(aws(sessionRole)), session: [allow("sts:*")])
        return [
            Scenario(
                name: "AssumeRole, same account, trust policy names the user",
                cites:
                    "IAM User Guide, Policy evaluation logic: \"If the resource-based policy grants permission directly to the IAM user … no additional identity-based policy is required\"; STS API Reference, AssumeRole: \"Add the user as a principal directly in the role's trust policy.\"",
                base: byUser,
                removals: [
                    (
                        "the trust policy naming the user (it names bob; alice's identity policy allows)",
                        with(byUser) {
                            $0.resourcePolicy = trust(aws(bob))
                            $0.identity = [allow(action, role)]
                        }, noResource(action)
                    ),
                    (
                        "the trust policy's action (it allows sts:TagSession only)",
                        with(byUser) {
                            $0.resourcePolicy = trust(aws(alice), "sts:TagSession")
                            $0.identity = [allow("sts:*")]
                        },
                        noResource(action)
                    ),
                    (
                        "the absence of an explicit deny (the identity policy denies)",
                        with(byUser) { $0.identity = [deny(action, role)] }, explicitIdentityDeny
                    ),
                ]),
            Scenario(
                name: "AssumeRole, same account, trust policy names the account, identity policy allows",
                cites:
                    "STS API Reference, AssumeRole: \"Attach a policy to the user that allows the user to call AssumeRole (as long as the role's trust policy trusts the account).\"",
                base: byAccount,
                removals: [
                    ("the identity policy", with(byAccount) { $0.identity = [] }, noIdentity(action)),
                    (
                        "the identity policy's resource (it names another role)",
                        with(byAccount) { $0.identity = [allow(action, "arn:aws:iam::\(a):role/other")] },
                        noIdentity(action)
                    ),
                    (
                        "the trust policy (it trusts the partner account)",
                        with(byAccount) { $0.resourcePolicy = trust(aws("arn:aws:iam::\(b):root")) }, noResource(action)
                    ),
                    (
                        "the trust policy's grant (it is a Deny)",
                        with(byAccount) {
                            $0.resourcePolicy = document(
                                #"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::\#(a):root"},"Action":"sts:AssumeRole"}"#
                            )
                        }, explicitResourceDeny
                    ),
                    (
                        "the permissions boundary's allow",
                        with(byAccount) { $0.boundary = allow("s3:*") }, noBoundary(action)
                    ),
                ]),
            Scenario(
                name: "AssumeRole, same account, trust policy names the account, identity and boundary allow",
                cites:
                    "IAM User Guide, Permissions boundaries: \"the effective permissions are the intersection of the identity-based policies and the permissions boundary\"",
                base: with(byAccount) { $0.boundary = allow("sts:AssumeRole") },
                removals: [
                    (
                        "the boundary's allow (it allows only sts:TagSession)",
                        with(byAccount) { $0.boundary = allow("sts:TagSession") }, noBoundary(action)
                    ),
                    (
                        "the identity policy",
                        with(byAccount) {
                            $0.identity = []
                            $0.boundary = allow("sts:AssumeRole")
                        },
                        noIdentity(action)
                    ),
                ]),
            Scenario(
                name: "AssumeRole by a role session, trust policy names the session's role, session policy allows",
                cites:
                    "IAM User Guide, Policy evaluation logic: \"Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy.\"",
                base: bySession,
                removals: [
                    ("the session policy's allow", with(bySession) { $0.session = [allow("s3:*")] }, noSession(action)),
                    (
                        "the trust policy naming the role (it names another role; the role's policy allows)",
                        with(bySession) {
                            $0.resourcePolicy = trust(aws("arn:aws:iam::\(a):role/else"))
                            $0.identity = [allow("sts:*")]
                        },
                        noResource(action)
                    ),
                    ("the boundary's allow", with(bySession) { $0.boundary = allow("s3:*") }, noBoundary(action)),
                ]),
            Scenario(
                name: "AssumeRole by a role session, trust policy names the session itself",
                cites:
                    "IAM User Guide, Policy evaluation logic: \"permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy\"",
                base: with(bySession) {
                    $0.resourcePolicy = trust(aws(session))
                    $0.session = [allow("s3:*")]
                },
                removals: [
                    (
                        "the trust policy naming the session (it names another session of the role)",
                        with(bySession) {
                            $0.resourcePolicy = trust(aws("arn:aws:sts::\(a):assumed-role/app/other"))
                            $0.identity = [allow("sts:*")]
                            $0.session = nil
                        }, noResource(action)
                    )
                ]),
            Scenario(
                name: "AssumeRole, same account, trust policy allows every principal",
                cites:
                    "IAM User Guide, AWS JSON policy elements: Principal: \"For IAM users and role principals within your account, no other permissions are required.\"",
                base: with(byUser) { $0.resourcePolicy = trust(#""*""#) },
                removals: [
                    (
                        "the wildcard's condition being met (aws:PrincipalAccount must be the partner's)",
                        with(byUser) {
                            $0.resourcePolicy = trust(
                                #""*""#, condition: #"{"StringEquals":{"aws:PrincipalAccount":"\#(b)"}}"#)
                            $0.context = ["aws:PrincipalAccount": [a]]
                            $0.identity = [allow(action, role)]
                        }, noResource(action)
                    )
                ]),
        ]
    }

    /// Conditions of a trust policy that names the account: when they fail, an identity policy cannot make up for it.
    static var roleTrustConditions: [Scenario] {
        func scenario(
            _ name: String, action: String = "sts:AssumeRole", condition: String, met: [String: [String]],
            unmet: [String: [String]], unmetName: String, who: Who = .user(alice, account: a)
        ) -> Scenario {
            let base = Input(
                who: who, action: action, resource: role, resourceAccount: a, resourceKind: .roleTrust,
                identity: [allow("sts:*")],
                resourcePolicy: trust(aws("arn:aws:iam::\(a):root"), action, condition: condition),
                context: met)
            return Scenario(
                name: "\(action), trust policy names the account with a condition on \(name)",
                cites:
                    "IAM User Guide, IAM JSON policy elements: Condition: \"The Condition element … lets you specify conditions for when a policy is in effect\"; Policy evaluation logic: a role's trust policy must allow the request (\"an identity-based policy alone never lets anyone assume a role\" follows from \"You must specify a principal in the trust policy\")",
                base: base,
                removals: [
                    (unmetName, with(base) { $0.context = unmet }, noResource(action)),
                    ("the identity policy", with(base) { $0.identity = [] }, noIdentity(action)),
                ])
        }
        return [
            scenario(
                "MFA", condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
                met: ["aws:MultiFactorAuthPresent": ["true"]], unmet: ["aws:MultiFactorAuthPresent": ["false"]],
                unmetName: "MFA (a GetSessionToken session without MFA)"),
            scenario(
                "MFA present at all", condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
                met: ["aws:MultiFactorAuthPresent": ["true"]], unmet: [:],
                unmetName: "MFA (long-term keys carry no MFA key)"),
            scenario(
                "sts:ExternalId", condition: #"{"StringEquals":{"sts:ExternalId":"s3cr3t-id"}}"#,
                met: ["sts:ExternalId": ["s3cr3t-id"]], unmet: ["sts:ExternalId": ["guess"]],
                unmetName: "the right external ID"),
            scenario(
                "sts:ExternalId being passed", condition: #"{"StringEquals":{"sts:ExternalId":"s3cr3t-id"}}"#,
                met: ["sts:ExternalId": ["s3cr3t-id"]], unmet: [:], unmetName: "an external ID"),
            scenario(
                "aws:PrincipalTag", condition: #"{"StringEquals":{"aws:PrincipalTag/dept":"eng"}}"#,
                met: ["aws:PrincipalTag/dept": ["eng"]], unmet: ["aws:PrincipalTag/dept": ["sales"]],
                unmetName: "the principal tag's value"),
            scenario(
                "an inherited aws:PrincipalTag", condition: #"{"StringEquals":{"aws:PrincipalTag/dept":"eng"}}"#,
                met: ["aws:PrincipalTag/dept": ["eng"]], unmet: [:],
                unmetName: "the tag (not transitive, so not inherited through role chaining)",
                who: .roleSession(session, role: sessionRole, account: a)),
            scenario(
                "sts:SourceIdentity", condition: #"{"StringEquals":{"sts:SourceIdentity":"alice"}}"#,
                met: ["sts:SourceIdentity": ["alice"]], unmet: ["sts:SourceIdentity": ["mallory"]],
                unmetName: "the source identity's value"),
            scenario(
                "sts:RoleSessionName", condition: #"{"StringLike":{"sts:RoleSessionName":"ci-*"}}"#,
                met: ["sts:RoleSessionName": ["ci-42"]], unmet: ["sts:RoleSessionName": ["manual"]],
                unmetName: "a matching session name"),
            scenario(
                "aws:RequestTag (sts:TagSession)", action: "sts:TagSession",
                condition: #"{"StringEquals":{"aws:RequestTag/project":"blue"}}"#,
                met: ["aws:RequestTag/project": ["blue"]], unmet: ["aws:RequestTag/project": ["red"]],
                unmetName: "the allowed tag value"),
            scenario(
                "sts:SourceIdentity (sts:SetSourceIdentity)", action: "sts:SetSourceIdentity",
                condition: #"{"StringLike":{"sts:SourceIdentity":"*@example.com"}}"#,
                met: ["sts:SourceIdentity": ["alice@example.com"]], unmet: ["sts:SourceIdentity": ["mallory"]],
                unmetName: "an allowed source identity"),
        ]
    }

    /// Session tags and source identity need their own action in the trust policy; cross-account roles need both sides.
    static var roleTrustCrossAccount: [Scenario] {
        let tagging = Input(
            who: .user(alice, account: a), action: "sts:TagSession", resource: role, resourceAccount: a,
            resourceKind: .roleTrust,
            resourcePolicy: document(
                #"{"Effect":"Allow","Principal":{"AWS":"\#(alice)"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}"#
            ))
        let partner = Input(
            who: .user(partnerUser, account: b), action: "sts:AssumeRole", resource: role, resourceAccount: a,
            resourceKind: .roleTrust, identity: [allow("sts:AssumeRole", role)],
            resourcePolicy: trust(aws("arn:aws:iam::\(b):root")))
        return [
            Scenario(
                name: "sts:TagSession, trust policy names the user and allows it",
                cites:
                    "IAM User Guide, Passing session tags in AWS STS: \"the role trust policy must include the sts:TagSession action\"",
                base: tagging,
                removals: [
                    (
                        "sts:TagSession in the trust policy (identity policy allows sts:*)",
                        with(tagging) {
                            $0.resourcePolicy = trust(aws(alice))
                            $0.identity = [allow("sts:*")]
                        },
                        noResource("sts:TagSession")
                    )
                ]),
            Scenario(
                name: "sts:SetSourceIdentity, trust policy names the user and allows it",
                cites:
                    "IAM User Guide, Monitor and control actions taken with assumed roles: \"you must … grant permissions for the sts:SetSourceIdentity action\" in the role trust policy",
                base: with(tagging) { $0.action = "sts:SetSourceIdentity" },
                removals: [
                    (
                        "sts:SetSourceIdentity in the trust policy (identity policy allows sts:*)",
                        with(tagging) {
                            $0.action = "sts:SetSourceIdentity"
                            $0.resourcePolicy = trust(aws(alice))
                            $0.identity = [allow("sts:*")]
                        }, noResource("sts:SetSourceIdentity")
                    )
                ]),
            Scenario(
                name: "AssumeRole across accounts: trust policy names the partner account, partner's policy allows",
                cites:
                    "IAM User Guide, Cross-account policy evaluation logic: \"the principal … must have an identity-based policy that allows the request, and the resource-based policy must also allow\"",
                base: partner,
                removals: [
                    (
                        "the trust policy naming the partner", with(partner) { $0.resourcePolicy = trust(aws(alice)) },
                        noResource("sts:AssumeRole")
                    ),
                    ("the partner's identity policy", with(partner) { $0.identity = [] }, noIdentity("sts:AssumeRole")),
                    (
                        "the partner's boundary allow", with(partner) { $0.boundary = allow("s3:*") },
                        noBoundary("sts:AssumeRole")
                    ),
                    (
                        "the partner session's policy allow", with(partner) { $0.session = [allow("s3:*")] },
                        noSession("sts:AssumeRole")
                    ),
                ]),
            Scenario(
                name: "AssumeRole across accounts: trust policy names the partner user directly",
                cites:
                    "IAM User Guide, Cross-account policy evaluation logic: \"Naming a principal directly … still requires an identity-based policy in the trusted account\"",
                base: with(partner) { $0.resourcePolicy = trust(aws(partnerUser)) },
                removals: [
                    (
                        "the partner's identity policy",
                        with(partner) {
                            $0.resourcePolicy = trust(aws(partnerUser))
                            $0.identity = []
                        }, noIdentity("sts:AssumeRole")
                    )
                ]),
        ]
    }

    /// Web identity and SAML: the provider is the principal; only the trust policy can allow.
    static var federatedTrust: [Scenario] {
        func scenario(_ action: String, provider: String, key: String, value: String) -> Scenario {
            let base = Input(
                who: .provider(provider, account: a), action: action, resource: role, resourceAccount: a,
                resourceKind: .roleTrust,
                resourcePolicy: trust(
                    federated(provider), action, condition: #"{"StringEquals":{"\#(key)":"\#(value)"}}"#),
                context: [key: [value]])
            return Scenario(
                name: "\(action), trust policy names the provider with a condition on \(key)",
                cites:
                    "STS API Reference, AssumeRoleWithWebIdentity: \"The role that your application assumes must trust the identity provider that is associated with the identity token. In other words, the identity provider must be specified in the role's trust policy.\"",
                base: base,
                removals: [
                    (
                        "the trust policy naming the provider (it names another provider)",
                        with(base) { $0.resourcePolicy = trust(federated(otherOIDC), action) }, noResource(action)
                    ),
                    (
                        "the condition being met", with(base) { $0.context = [key: ["someone-else"]] },
                        noResource(action)
                    ),
                    (
                        "the trust policy's action (it allows sts:AssumeRole only)",
                        with(base) { $0.resourcePolicy = trust(federated(provider)) }, noResource(action)
                    ),
                ])
        }
        let tagging = Input(
            who: .provider(oidc, account: a), action: "sts:TagSession", resource: role, resourceAccount: a,
            resourceKind: .roleTrust,
            resourcePolicy: document(
                #"{"Effect":"Allow","Principal":{"Federated":"\#(oidc)"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}"#
            ))
        return [
            scenario("sts:AssumeRoleWithWebIdentity", provider: oidc, key: "issuer.example.com:aud", value: "client-1"),
            scenario(
                "sts:AssumeRoleWithSAML", provider: saml, key: "saml:aud", value: "https://signin.aws.amazon.com/saml"),
            Scenario(
                name: "sts:TagSession by a web identity provider",
                cites:
                    "IAM User Guide, Passing session tags using AssumeRoleWithWebIdentity: \"the role trust policy must include the sts:TagSession action\"",
                base: tagging,
                removals: [
                    (
                        "sts:TagSession in the trust policy",
                        with(tagging) { $0.resourcePolicy = trust(federated(oidc), "sts:AssumeRoleWithWebIdentity") },
                        noResource("sts:TagSession")
                    )
                ]),
        ]
    }

    /// STS actions decided by identity-based policies alone (no resource policy).
    static var standardResources: [Scenario] {
        func scenario(_ action: String, resource: String, cites: String) -> Scenario {
            let base = Input(
                who: .user(alice, account: a), action: action, resource: resource, resourceAccount: a,
                identity: [allow(action, resource)])
            return Scenario(
                name: "\(action) allowed by the user's identity policy", cites: cites, base: base,
                removals: [
                    ("the identity policy", with(base) { $0.identity = [] }, noIdentity(action)),
                    (
                        "the identity policy's action",
                        with(base) { $0.identity = [allow("sts:GetCallerIdentity", resource)] }, noIdentity(action)
                    ),
                    ("the boundary's allow", with(base) { $0.boundary = allow("s3:*") }, noBoundary(action)),
                    ("the session policy's allow", with(base) { $0.session = [allow("s3:*")] }, noSession(action)),
                    (
                        "the absence of a deny", with(base) { $0.identity.append(deny(action, resource)) },
                        explicitIdentityDeny
                    ),
                ])
        }
        let federatedSession = Input(
            who: .user("arn:aws:sts::\(a):federated-user/bob", account: a), action: "sts:GetWebIdentityToken",
            resource: "*", resourceAccount: a, identity: [allow("sts:GetWebIdentityToken")], session: [])
        return [
            scenario(
                "sts:GetFederationToken", resource: "arn:aws:sts::\(a):federated-user/bob",
                cites:
                    "STS API Reference, GetFederationToken: \"You must call the GetFederationToken operation using the long-term security credentials of an IAM user\" with a policy that allows it (IAM User Guide, Permissions for GetFederationToken)"
            ),
            scenario(
                "sts:GetWebIdentityToken", resource: "*",
                cites:
                    "IAM User Guide, Policy evaluation logic: \"an explicit allow in an identity-based policy … grants access\" within an account"
            ),
            scenario(
                "sts:DecodeAuthorizationMessage", resource: "*",
                cites:
                    "STS API Reference, DecodeAuthorizationMessage: \"a user must be granted permissions through an IAM policy to request the DecodeAuthorizationMessage (sts:DecodeAuthorizationMessage) action\""
            ),
            Scenario(
                name: "a federated user session allowed by its user's policy and its session policy",
                cites:
                    "STS API Reference, GetFederationToken: \"if you do not pass a policy, then the resulting federated user session has no permissions\"",
                base: with(federatedSession) { $0.session = [allow("sts:GetWebIdentityToken")] },
                removals: [
                    ("the session policy (none was passed)", federatedSession, noSession("sts:GetWebIdentityToken"))
                ]),
            Scenario(
                name: "a standard resource whose resource policy names the user grants alone",
                cites:
                    "IAM User Guide, Policy evaluation logic: \"Within an account … an explicit allow in either an identity-based policy or a resource-based policy grants access\"",
                base: Input(
                    who: .user(alice, account: a), action: "sts:DecodeAuthorizationMessage",
                    resource: "arn:aws:x::\(a):thing",
                    resourceAccount: a, resourcePolicy: trust(aws(alice), "sts:DecodeAuthorizationMessage")),
                removals: [
                    (
                        "the resource policy naming the user (it names bob)",
                        Input(
                            who: .user(alice, account: a), action: "sts:DecodeAuthorizationMessage",
                            resource: "arn:aws:x::\(a):thing", resourceAccount: a,
                            resourcePolicy: trust(aws(bob), "sts:DecodeAuthorizationMessage")),
                        noIdentity("sts:DecodeAuthorizationMessage")
                    )
                ]),
        ]
    }
}
