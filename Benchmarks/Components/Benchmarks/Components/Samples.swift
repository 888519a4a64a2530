import LatchkeyDomain
import LatchkeyModel
import LatchkeyQuery

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The requests, claims and policies the benchmarks work on: what a typical client sends and a typical deployment
/// holds, fixed so every run measures the same work.
enum Samples {
    static let account = "123456789012"
    static let region = "us-east-1"
    /// 2025-06-15T15:06:40Z, as `TestClock.start`: requests are signed and verified at this instant.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let requestId = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

    static let userName = "alice"
    static let roleName = "deploy"
    static let externalId = "build-7f3a91"
    static let sessionName = "ci-run-4711"

    /// AssumeRole as the AWS SDKs send it: three session tags (one transitive), two managed session policies, an
    /// external ID, a source identity and a duration.
    static func assumeRoleInput(account: String, policyArns: [String]) -> AssumeRoleInput {
        AssumeRoleInput(
            roleArn: "arn:aws:iam::\(account):role/\(roleName)",
            roleSessionName: sessionName,
            policyArns: policyArns.map { PolicyDescriptorType(arn: $0) },
            durationSeconds: 3600,
            tags: [
                Tag(key: "project", value: "latchkey"), Tag(key: "cost-center", value: "cc-1234"),
                Tag(key: "pipeline", value: "release"),
            ],
            transitiveTagKeys: ["project"],
            externalId: externalId,
            sourceIdentity: userName)
    }

    static func managedPolicyArns(account: String) -> [String] {
        ["arn:aws:iam::\(account):policy/deploy-artifacts", "arn:aws:iam::\(account):policy/deploy-logs"]
    }

    /// The form body of `input` with `Action` and `Version`, percent-encoded as botocore encodes it.
    static func formBody<Input: OperationInput>(_ input: Input) throws -> String {
        var pairs: [(key: String, value: String)] = [
            ("Action", Input.operation.name), ("Version", "2011-06-15"),
        ]
        for (name, value) in input.queryParameters { pairs.append((name, value)) }
        return try QueryParameters(pairs).formEncoded()
    }

    /// The role's trust policy: the IAM user by ARN, with an external ID and a principal tag as conditions.
    static func trustPolicy(account: String) -> String {
        """
        {"Version":"2012-10-17","Statement":[{"Sid":"TrustAlice","Effect":"Allow",\
        "Principal":{"AWS":"arn:aws:iam::\(account):user/\(userName)"},\
        "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],\
        "Condition":{"StringEquals":{"sts:ExternalId":"\(externalId)","aws:PrincipalTag/team":"platform"}}}]}
        """
    }

    /// The user's identity policy: may assume (and tag sessions of) the role.
    static func identityPolicy(account: String) -> String {
        """
        {"Version":"2012-10-17","Statement":[{"Sid":"AssumeDeploy","Effect":"Allow",\
        "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],\
        "Resource":"arn:aws:iam::\(account):role/\(roleName)"}]}
        """
    }

    static let managedPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],\
        "Resource":"arn:aws:s3:::artifacts/*"}]}
        """

    /// The claims of a session like the one `assumeRoleInput` creates.
    static func assumedRoleClaims() -> SessionTokenClaims {
        let roleArn = "arn:aws:iam::\(account):role/\(roleName)"
        return SessionTokenClaims(
            accessKeyId: "ASIAQNZGKIQY56JQ7WML", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY00",
            accountId: account, kind: .assumedRole,
            principalArn: "arn:aws:sts::\(account):assumed-role/\(roleName)/\(sessionName)",
            userId: "AROAQNZGKIQYEXAMPLE01:\(sessionName)",
            sourcePrincipalArn: "arn:aws:iam::\(account):user/\(userName)",
            issuedAt: now, expiresAt: now.addingTimeInterval(3600),
            sourceIdentity: userName,
            policyArns: managedPolicyArns(account: account),
            tags: [
                SessionTag(key: "project", value: "latchkey"), SessionTag(key: "cost-center", value: "cc-1234"),
                SessionTag(key: "pipeline", value: "release"),
            ],
            transitiveTagKeys: ["project"],
            roleArn: roleArn, roleId: "AROAQNZGKIQYEXAMPLE01", sessionName: sessionName)
    }
}
