import Testing

@testable import LatchkeyPolicy

/// The request context's table of well-known keys answers exactly as the string-keyed form: same values, same
/// equality, same case-insensitivity, and times formatted when read.
@Suite struct ConditionContextTests {
    /// A context as the authorizer builds it with the typed setters, and the same keys given as strings.
    static func typedAndStrings() -> (typed: ConditionContext, strings: ConditionContext) {
        var typed = ConditionContext()
        typed.set(.currentTime, timestamp: 1_750_000_000)
        typed.set(.epochTime, integer: 1_750_000_000)
        typed.set(.secureTransport, "false")
        typed.set(.principalArn, "arn:aws:iam::111122223333:user/alice")
        typed.set(.tagKeys, ["a", "b"])
        typed.set("aws:PrincipalTag/Team", ["platform"])
        typed.set(.username, "alice")
        let strings: ConditionContext = [
            "aws:CurrentTime": ["2025-06-15T15:06:40Z"], "AWS:EPOCHTIME": ["1750000000"],
            "aws:SecureTransport": ["false"], "aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"],
            "aws:TagKeys": ["a", "b"], "aws:principaltag/team": ["platform"], "aws:UserName": ["alice"],
        ]
        return (typed, strings)
    }

    @Test("typed setters and string keys give the same context: values, keys, equality and hash")
    func typedEqualsStrings() {
        let (typed, strings) = Self.typedAndStrings()
        #expect(typed == strings)
        #expect(typed.hashValue == strings.hashValue)
        #expect(typed.keys == strings.keys)
        #expect(typed.keys.contains("aws:currenttime"))
        #expect(typed["AWS:CurrentTime"] == ["2025-06-15T15:06:40Z"])
        #expect(typed["aws:epochtime"] == ["1750000000"])
        #expect(typed["aws:TagKeys"] == ["a", "b"])
        var other = typed
        other.set(.epochTime, integer: 1_750_000_001)
        #expect(other != strings)
        other.set("aws:EpochTime", ["1750000000"])
        #expect(other == strings)
        other.set(.secureTransport, [])
        #expect(other["aws:securetransport"] == nil)
        #expect(other != strings)
    }

    @Test("a well-known key given under two spellings joins its values; merge replaces key by key")
    func joinAndMerge() {
        let joined = ConditionContext(["aws:username": ["a"], "AWS:UserName": ["b"]])
        #expect(joined["aws:username"]?.sorted() == ["a", "b"])
        var base: ConditionContext = ["aws:username": ["alice"], "sts:ExternalId": ["old"], "x:y": ["1"]]
        var extra = ConditionContext()
        extra.set(.externalId, "new")
        extra.set("X:Y", ["2", "3"])
        base.merge(extra)
        #expect(base["sts:externalid"] == ["new"])
        #expect(base["x:y"] == ["2", "3"])
        #expect(base["aws:username"] == ["alice"])
    }

    @Test("policies read well-known keys from the table in any case: times, variables, multi-valued keys")
    func policiesReadTheTable() throws {
        let (typed, _) = Self.typedAndStrings()
        func allows(_ condition: String, resource: String = "*") throws -> Bool {
            let text = """
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:GetCallerIdentity",\
                "Resource":"\(resource)","Condition":\(condition)}}
                """
            let document = try PolicyDocument.parse(text, kind: .identity)
            let request = PolicyRequest(
                action: "sts:GetCallerIdentity", resource: "arn:aws:iam::1:user/alice",
                context: typed)
            return document.evaluate(request).isAllowed
        }
        #expect(try allows(#"{"DateLessThan":{"AWS:CURRENTTIME":"2025-06-15T15:06:41Z"}}"#))
        #expect(try !allows(#"{"DateLessThan":{"aws:CurrentTime":"2025-06-15T15:06:40Z"}}"#))
        #expect(try allows(#"{"NumericEquals":{"aws:epochtime":"1750000000"}}"#))
        #expect(try allows(#"{"StringEquals":{"aws:CurrentTime":"2025-06-15T15:06:40Z"}}"#))
        #expect(try allows(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}"#))
        #expect(try !allows(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#))
        #expect(try allows(#"{"Null":{"aws:userid":"true","aws:PrincipalArn":"false"}}"#))
        #expect(try allows(#"{"StringEquals":{"aws:PrincipalTag/TEAM":"platform"}}"#))
        #expect(try allows(#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${AWS:UserName}"}}"#))
        #expect(try !allows(#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:PrincipalTag/team}"}}"#))
        #expect(
            try allows(#"{"Bool":{"aws:SecureTransport":"false"}}"#, resource: "arn:aws:iam::1:user/${aws:username}"))
        #expect(
            try !allows(#"{"Bool":{"aws:SecureTransport":"false"}}"#, resource: "arn:aws:iam::1:user/${aws:userid}"))
        #expect(try !allows(#"{"Bool":{"aws:SecureTransport":"true"}}"#))
        // A multi-valued key is no variable: the statement does not apply.
        #expect(try !allows(#"{"StringEquals":{"aws:SecureTransport":"${aws:TagKeys}"}}"#))
    }
}
