import Testing

@testable import LatchkeyPolicy

/// Wildcards, ARNs, policy variables and the request context.
@Suite struct MatchingTests {
    @Test(
        "wildcard patterns match whole values",
        arguments: [
            ("*", "", true), ("*", "anything at all", true), ("", "", true), ("", "a", false), ("a", "a", true),
            ("a", "A", false), ("?", "", false), ("?", "é", true), ("??", "é", false), ("?", "😀", true),
            ("a*b", "ab", true), ("a*b", "axxxb", true), ("a*b", "axxxbc", false), ("*a*b*c*", "xaybzc", true),
            ("*a*b*c*", "xaybz", false), ("a?c", "abc", true), ("a?c", "ac", false), ("**", "x", true),
            ("*.txt", "notes.txt", true), ("*.txt", "notes.txt.bak", false), ("ca*é", "café", true),
            ("x*", "x", true), ("*x", "yyx", true), ("a*a*a*b", "aaaaaaaaaa", false),
        ]
    )
    func wildcardPattern(pattern: String, value: String, expected: Bool) {
        #expect(GlobPattern(wildcards: pattern).matches(value) == expected)
    }

    @Test("a literal pattern treats * and ? as characters")
    func literalPatternsHaveNoWildcards() {
        #expect(GlobPattern(literal: "a*").matches("a*"))
        #expect(!GlobPattern(literal: "a*").matches("ab"))
        #expect(!GlobPattern(literal: "a?").hasWildcards)
    }

    @Test(
        "ARN patterns match segment by segment",
        arguments: [
            ("arn:aws:s3:::*", "arn:aws:s3:::bucket/key", true),
            ("arn:aws:s3:::*", "arn:aws:s3:::b:with:colons", true),
            ("arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/a/b", true),
            ("arn:aws:*:*:111122223333:*", "arn:aws:sqs:us-east-1:111122223333:q", true),
            ("arn:aws:*:*:111122223333:*", "arn:aws:sqs:us-east-1:999999999999:111122223333:q", false),
            ("arn:aws:sqs:*:111122223333:q", "arn:aws:sqs:::111122223333:q", false),
            ("arn:aws:s3:::b", "arn:aws:s3:::b", true),
            ("arn:aws:s3:::b", "arn:aws:s3:::B", false),
            ("*", "arn:aws:s3:::b", true),
            ("*", "*", true),
            ("arn:aws:s3:::*", "*", false),
            ("arn:aws:s3:::*", "arn:aws:s3", false),
            ("arn:aws:ec2:us-east-?:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
        ]
    )
    func arnPattern(pattern: String, value: String, expected: Bool) {
        #expect(ARNPattern(GlobPattern(wildcards: pattern)).matches(value) == expected)
    }

    @Test("policy variables are split once and resolved from the context")
    func templateResolution() {
        let context: ConditionContext = ["aws:username": ["alice"], "aws:TagKeys": ["a", "b"]]
        let template = Template("home/${aws:username}/${aws:userid, 'anon'}/${*}${?}${$}/*", variables: true)
        #expect(template.requiredKeys == ["aws:username"])
        #expect(template.string(in: context) == "home/alice/anon/*?$/*")
        let pattern = template.pattern(in: context)
        #expect(pattern?.matches("home/alice/anon/*?$/anything") == true)
        #expect(pattern?.matches("home/alice/anon/x?$/anything") == false)
        #expect(Template("${aws:username}", variables: true).string(in: ConditionContext()) == nil)
        #expect(Template("${aws:TagKeys}", variables: true).string(in: context) == nil)
        #expect(Template("${aws:TagKeys, 'many'}", variables: true).string(in: context) == "many")
    }

    @Test(
        "text that only looks like a variable stays literal",
        arguments: [
            ("${aws:username", "${aws:username"), ("$aws:username}", "$aws:username}"), ("${}", "${}"),
            ("price $5", "price $5"), ("a$", "a$"),
        ]
    )
    func malformedVariablesAreLiteral(text: String, rendered: String) {
        let template = Template(text, variables: true)
        #expect(template.isStatic)
        #expect(template.string(in: ["aws:username": ["alice"]]) == rendered)
    }

    @Test("2008-10-17 documents have no variables")
    func noVariablesInOldDocuments() {
        let template = Template("${aws:username}/${*}", variables: false)
        #expect(template.isStatic)
        #expect(template.string(in: ["aws:username": ["alice"]]) == "${aws:username}/${*}")
    }

    @Test("a default may hold spaces and commas, and the key keeps its case-insensitivity")
    func defaultsWithSpaces() {
        let template = Template("${AWS:PrincipalTag/Cost Center ,  'none, really'}", variables: true)
        #expect(template.string(in: ConditionContext()) == "none, really")
        #expect(template.string(in: ["aws:principaltag/cost center": ["42"]]) == "42")
    }

    @Test("the request context folds key case, joins spellings and drops empty keys")
    func contextKeys() {
        var context = ConditionContext(["aws:TagKeys": ["a"], "AWS:tagkeys": ["b"], "aws:Empty": []])
        #expect(context["aws:tagkeys"]?.sorted() == ["a", "b"])
        #expect(context["aws:empty"] == nil)
        #expect(context.keys == ["aws:tagkeys"])
        context.set("Aws:TagKeys", [])
        #expect(context["aws:TagKeys"] == nil)
        context.set("x:y", ["1"])
        #expect(context["X:Y"] == ["1"])
    }

    @Test(
        "condition operator names",
        arguments: [
            ("StringEquals", true), ("ForAllValues:StringLikeIfExists", true), ("ForAnyValue:NumericLessThan", true),
            ("ArnNotLikeIfExists", true), ("Null", true), ("NullIfExists", false), ("stringequals", false),
            ("StringEqualsIfExistsIfExists", false), ("ForAllValues:", false), ("IfExists", false), ("", false),
            ("ForAnyValue:ForAllValues:StringEquals", false), ("BinaryEqualsIfExists", true),
        ]
    )
    func operatorNames(name: String, valid: Bool) {
        #expect((ConditionOperator(name) != nil) == valid)
    }

    @Test("operator names decompose into family, negation, IfExists and qualifier")
    func operatorParts() throws {
        let op = try #require(ConditionOperator("ForAllValues:StringNotEqualsIgnoreCaseIfExists"))
        #expect(op.family == .stringEqualsIgnoreCase)
        #expect(op.negated)
        #expect(op.ifExists)
        #expect(op.qualifier == .forAllValues)
        #expect(ConditionOperator("NotIpAddress")?.negated == true)
        #expect(ConditionOperator("DateLessThanEquals")?.family == .date(.lessThanEquals))
    }
}
