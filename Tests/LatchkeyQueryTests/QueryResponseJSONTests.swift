import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct QueryResponseJSONTests {
    @Test("GetCallerIdentity renders in AWS's JSON form")
    func getCallerIdentityJSON() {
        let json = QueryResponse.json(
            action: "GetCallerIdentity", result: QueryResponseXMLTests.callerIdentity,
            requestId: "01234567-89ab-cdef-0123-456789abcdef"
        )
        #expect(
            json
                == #"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"#
                + #""Arn":"arn:aws:iam::123456789012:user/Alice","#
                + #""UserId":"AIDACKCEVSQ6C2EXAMPLE","Account":"123456789012"},"#
                + #""ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}"#
        )
    }

    @Test("a nil result leaves the Result key out")
    func nilResultOmitsResultKey() {
        #expect(
            QueryResponse.json(action: "DeleteUser", result: nil, requestId: "r")
                == #"{"DeleteUserResponse":{"ResponseMetadata":{"RequestId":"r"}}}"#
        )
    }

    @Test("lists are arrays, numbers and booleans are bare, timestamps are epoch seconds")
    func shapesRenderAsJSONTypes() {
        let result = ResponseNode.result([
            .structure("Credentials", [.timestamp("Expiration", epochSeconds: 1_573_306_481)]),
            .integer("PackedPolicySize", 6),
            .list("Tags", [.structure("member", [.string("Key", "k"), .string("Value", "v")])]),
            .list("Names", strings: ["a", "b"]),
            .list("Empty", []),
            .structure("Nothing", []),
            .boolean("IsTruncated", true),
        ])
        #expect(
            QueryResponse.json(action: "AssumeRole", result: result, requestId: "r")
                == #"{"AssumeRoleResponse":{"AssumeRoleResult":{"Credentials":{"Expiration":1573306481},"#
                + #""PackedPolicySize":6,"Tags":[{"Key":"k","Value":"v"}],"Names":["a","b"],"Empty":[],"#
                + #""Nothing":{},"IsTruncated":true},"ResponseMetadata":{"RequestId":"r"}}}"#
        )
    }

    @Test("an error renders in AWS's JSON error form")
    func errorJSON() {
        let error = STSError(.invalidClientTokenId, "The security token included in the request is invalid.")
        #expect(
            QueryResponse.errorJSON(error, requestId: "req")
                == #"{"Error":{"Code":"InvalidClientTokenId","#
                + #""Message":"The security token included in the request is invalid.","Type":"Sender"},"#
                + #""RequestId":"req"}"#
        )
    }

    @Test(
        "JSON strings are escaped",
        arguments: [
            ("say \"hi\"", #""say \"hi\"""#), (#"back\slash"#, #""back\\slash""#),
            ("a\nb\rc\td", #""a\nb\rc\td""#), ("\u{8}\u{C}", #""\b\f""#), ("\u{0}\u{1F}", #""\u0000\u001f""#),
            ("\u{2028}\u{2029}", #""\u2028\u2029""#), ("</Message>é🔑", #""</Message>é🔑""#), ("", #""""#),
        ]
    )
    func jsonStringsAreEscaped(_ input: String, _ expected: String) {
        let json = QueryResponse.errorJSON(STSError(.validationError, input), requestId: "r")
        #expect(json.contains(#""Message":"# + expected + ","))
    }
}
