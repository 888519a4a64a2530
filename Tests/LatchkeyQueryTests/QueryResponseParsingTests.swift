import LatchkeyBase
import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct QueryResponseParsingTests {
    @Test("the AWS error sample reads into its fields")
    func readsErrorSample() throws {
        let document = try QueryResponse.parseError(xml: Golden.invalidClientTokenId)
        #expect(document.code == "InvalidClientTokenId")
        #expect(document.message == "The security token included in the request is invalid.")
        #expect(document.type == "Sender")
        #expect(document.requestId == "4d0cf5ec-892a-4d3f-84e4-30e9987d9bdd")
        let error = document.stsError(httpStatus: 403)
        #expect(error.code == .invalidClientTokenId)
        #expect(error.code.fault == .sender)
    }

    @Test(
        "every written error reads back to the same code, message, fault and request ID",
        arguments: [
            STSError(.accessDenied, "User: arn:aws:iam::123456789012:user/Alice is not authorized"),
            STSError(.internalFailure, "An internal error occurred."),
            STSError(.validationError, "1 validation error detected: Value 'a<b' at 'roleSessionName' failed"),
            STSError(.malformedPolicyDocument, ""),
        ]
    )
    func errorRoundTrips(_ error: STSError) throws {
        let xml = QueryResponse.errorXML(error, namespace: QueryResponse.iamNamespace, requestId: "id-&-1")
        let document = try QueryResponse.parseError(xml: xml)
        #expect(document.code == error.code.wireCode)
        #expect(document.message == error.message)
        #expect(document.type == error.code.fault.rawValue)
        #expect(document.requestId == "id-&-1")
        let back = document.stsError(httpStatus: error.code.httpStatus)
        #expect(back.code == error.code)
    }

    @Test("an unmodelled wire code is kept as it is")
    func unmodelledCodeIsKept() throws {
        let xml = "<ErrorResponse><Error><Code>SomethingNew</Code><Message>m</Message></Error></ErrorResponse>"
        let error = try QueryResponse.parseError(xml: xml).stsError(httpStatus: 418)
        #expect(error.code.wireCode == "SomethingNew")
        #expect(error.code.httpStatus == 418)
        #expect(error.message == "m")
    }

    @Test("EC2-style and bare Error roots are read too")
    func otherErrorShapesAreRead() throws {
        let ec2 =
            "<Response><Errors><Error><Code>C</Code><Message>M</Message></Error></Errors>"
            + "<RequestID>R</RequestID></Response>"
        let document = try QueryResponse.parseError(xml: ec2)
        #expect(document.code == "C")
        #expect(document.requestId == "R")
        #expect(try QueryResponse.parseError(xml: "<Error><Code>C2</Code></Error>").code == "C2")
    }

    @Test("a document without Error/Code is not an error document")
    func nonErrorDocumentIsRejected() {
        #expect(throws: XMLReaderError(.unexpectedDocument, "")) {
            try QueryResponse.parseError(xml: Golden.getCallerIdentity)
        }
    }

    @Test("a written response reads back with its result and request ID")
    func responseRoundTrips() throws {
        let result = ResponseNode.result([
            .structure(
                "Credentials",
                [
                    .string("AccessKeyId", "ASIAEXAMPLE"),
                    .string("SecretAccessKey", "wJalr/K7MDENG+bPxRfiCY"),
                    .string("SessionToken", "tok&en<>\"'"),
                    .timestamp("Expiration", epochSeconds: 1_573_306_481),
                ]),
            .list("Tags", [.structure("member", [.string("Key", "k"), .string("Value", "v")])]),
        ])
        let xml = QueryResponse.xml(
            action: "AssumeRole", namespace: QueryResponse.stsNamespace, result: result, requestId: "rid")
        let document = try QueryResponse.parse(xml: xml, action: "AssumeRole")
        #expect(document.requestId == "rid")
        let credentials = try #require(document.result?.child("Credentials"))
        #expect(credentials.child("SecretAccessKey")?.text == "wJalr/K7MDENG+bPxRfiCY")
        #expect(credentials.child("SessionToken")?.text == "tok&en<>\"'")
        let expiration = try #require(credentials.child("Expiration")?.text)
        #expect(AWSTimestamp.epochSeconds(from: expiration) == 1_573_306_481)
        #expect(document.result?.element(at: "Tags", "member", "Value")?.text == "v")
    }

    @Test("a response without a result reads back with none")
    func responseWithoutResultRoundTrips() throws {
        let xml = QueryResponse.xml(
            action: "DeleteUser", namespace: QueryResponse.iamNamespace, result: nil, requestId: "r")
        let document = try QueryResponse.parse(xml: xml, action: "DeleteUser")
        #expect(document.result == nil)
        #expect(document.requestId == "r")
    }

    @Test("a response for another action is rejected")
    func responseForOtherActionIsRejected() {
        #expect(throws: XMLReaderError(.unexpectedDocument, "")) {
            try QueryResponse.parse(xml: Golden.getCallerIdentity, action: "AssumeRole")
        }
    }
}
