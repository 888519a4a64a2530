import LatchkeyDomain
import Testing

@testable import LatchkeyCore

/// `parseRoleArn` reads ASCII ARNs byte by byte; it must answer exactly as the general character-based form it
/// replaced (kept here as the reference) on every input, valid or not.
@Suite struct RoleArnParsingTests {
    /// The parser before the byte-level fast path.
    static func reference(_ arn: String) -> (account: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty,
            Account.isValidID(String(parts[4])), parts[5].hasPrefix("role/")
        else { return nil }
        guard let name = parts[5].split(separator: "/").last, !name.isEmpty, parts[5].count > 5 else { return nil }
        return (String(parts[4]), String(name))
    }

    @Test(
        "role ARNs parse as before",
        arguments: [
            "arn:aws:iam::111122223333:role/R", "arn:aws:iam::111122223333:role/path/to/R",
            "arn:aws:iam::111122223333:role/R/", "arn:aws:iam::111122223333:role//", "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role", "arn:aws:iam::111122223333:role/a:b", "arn:aws:iam::111122223333:user/R",
            "arn:aws:iam::11112222333:role/R", "arn:aws:iam::1111222233334:role/R", "arn:aws:iam::11112222333x:role/R",
            "arn:aws:iam:us-east-1:111122223333:role/R", "arn:aws-cn:iam::111122223333:role/R",
            "arn:aws:sts::111122223333:role/R", "arn:aws:iam::111122223333", "arn:aws:iam::", "", "R",
            "ARN:aws:iam::111122223333:role/R", "arn:aws:iam::111122223333:role/R//x//", "arn:aws:iam:::role/R",
            // Not ASCII: the general form decides (a combining mark joins the character before it).
            "arn:aws:iam::111122223333:role/\u{301}R", "arn:aws:iam::111122223333:role/R/\u{301}",
            "arn:aws:iam::111122223333:role/é", "arn:aws:iam::111122223333\u{301}:role/R",
            "arn:aws:iam::111122223333:\u{301}role/R", "arn:aws:iam::111122223333:role/a/\u{301}/",
        ]
    )
    func sameAnswers(arn: String) {
        let parsed = SecurityTokenService.parseRoleArn(arn)
        let expected = Self.reference(arn)
        #expect(parsed?.account == expected?.account)
        #expect(parsed?.name == expected?.name)
        #expect((parsed == nil) == (expected == nil))
    }

    @Test("a valid role ARN gives its account and the last component of its path")
    func valid() throws {
        let parsed = try #require(SecurityTokenService.parseRoleArn("arn:aws:iam::111122223333:role/ops/Deploy"))
        #expect(parsed.account == "111122223333")
        #expect(parsed.name == "Deploy")
    }
}
