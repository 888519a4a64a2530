import Foundation
import LatchkeySigV4
import Testing

@Suite struct SigV4PrimitivesTests {
    @Test(
        "constantTimeEquals is true only for equal byte sequences",
        arguments: [
            ([UInt8](), [UInt8](), true),
            ([1, 2, 3], [1, 2, 3], true),
            ([1, 2, 3], [1, 2, 4], false),
            ([0x80, 2, 3], [0, 2, 3], false),
            ([1, 2, 3], [1, 2], false),
            ([1, 2], [1, 2, 3], false),
            ([], [0], false),
        ] as [([UInt8], [UInt8], Bool)])
    func constantTimeEqualsBytes(lhs: [UInt8], rhs: [UInt8], equal: Bool) {
        #expect(SigV4.constantTimeEquals(lhs, rhs) == equal)
    }

    @Test("constantTimeEquals compares strings by their UTF-8 bytes")
    func constantTimeEqualsStrings() {
        let signature = String(repeating: "ab", count: 32)
        #expect(SigV4.constantTimeEquals(signature, signature))
        #expect(!SigV4.constantTimeEquals(signature, signature.uppercased()))
        #expect(!SigV4.constantTimeEquals(signature, String(signature.dropLast())))
        #expect(!SigV4.constantTimeEquals("é", "e\u{301}"))
    }

    @Test(
        "each error code carries its wire code and HTTP status",
        arguments: [
            (SigV4Error.Code.missingAuthenticationToken, "MissingAuthenticationToken", 403),
            (.incompleteSignature, "IncompleteSignature", 400),
            (.signatureDoesNotMatch, "SignatureDoesNotMatch", 403),
            (.missingDate, "IncompleteSignature", 400),
            (.malformedQueryString, "MalformedQueryString", 404),
        ])
    func errorCodeTable(code: SigV4Error.Code, wireCode: String, status: Int) {
        #expect(code.wireCode == wireCode)
        #expect(code.httpStatus == status)
    }

    @Test("errors compare by code only and describe themselves as wireCode: message")
    func errorEqualityAndDescription() {
        #expect(SigV4Error(.signatureDoesNotMatch, "a") == SigV4Error(.signatureDoesNotMatch, "b"))
        #expect(SigV4Error(.signatureDoesNotMatch, "a") != SigV4Error(.incompleteSignature, "a"))
        #expect(SigV4Error.missingAuthenticationToken.message == "Request is missing Authentication Token")
        #expect(
            SigV4Error.signatureDoesNotMatch.description
                == "SignatureDoesNotMatch: The request signature we calculated does not match the signature you "
                + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
                + "for details.")
    }

    @Test("the payload hash is the lowercase hex SHA-256 of the bytes")
    func payloadHash() {
        #expect(SignableRequest.hashPayload(Data()) == SigV4.emptyPayloadHash)
        #expect(
            SignableRequest.hashPayload(Data("Param1=value1".utf8))
                == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
    }

    @Test("credentials never describe their secret or token")
    func credentialsDescriptionIsRedacted() {
        let credentials = SigV4Credentials(accessKeyID: "AKID", secretAccessKey: "SECRETKEY", sessionToken: "TOKEN")
        #expect(credentials.description.contains("AKID"))
        #expect(!credentials.description.contains("SECRETKEY"))
        #expect(!credentials.description.contains("TOKEN"))
    }

    static func canonicalLines(path: String = "/", query: String = "", headers: [SignableRequest.Header] = [])
        throws -> [Substring]
    {
        let request = SignableRequest(
            method: "GET", rawPath: path, rawQuery: query, headers: [.init(name: "Host", value: "h")] + headers)
        let signed = (["host"] + headers.map { $0.name.lowercased() }).sorted()
        return try SigV4.canonicalRequest(for: request, signedHeaders: Array(Set(signed)).sorted())
            .split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test(
        "paths are normalized and each segment encoded as received",
        arguments: [
            ("", "/"), ("/", "/"), ("/a%20b", "/a%2520b"), ("/a/b/..", "/a"), ("/a/b/../", "/a/"),
            ("/../../x", "/x"), ("/a/./b//c/", "/a/b/c/"), ("/a+b=c", "/a%2Bb%3Dc"), ("/%2e%2e/x", "/%252e%252e/x"),
            ("/ሴ", "/%E1%88%B4"),
        ])
    func pathCanonicalization(raw: String, canonical: String) throws {
        #expect(try Self.canonicalLines(path: raw)[1] == Substring(canonical))
    }

    @Test(
        "query strings are decoded, re-encoded, sorted, and stripped of X-Amz-Signature",
        arguments: [
            ("b=2&a=1", "a=1&b=2"), ("a=2&a=1", "a=1&a=2"), ("a+b=c+d", "a%2Bb=c%2Bd"), ("a%20b=%7e", "a%20b=~"),
            ("k", "k="), ("k=", "k="), ("a=1&&b=2&", "a=1&b=2"), ("a=b=c", "a=b%3Dc"), ("a-b=1&a=2", "a=2&a-b=1"),
            ("X-Amz-Signature=abc&z=1", "z=1"), ("%41=%42", "A=B"), ("a=%e1%88%b4", "a=%E1%88%B4"),
            // Parts already canonical are kept as received, the others re-encoded; both sort together.
            ("X-Amz-%53ignature=abc&z=1", "z=1"), ("X-Amz-Signature=%zz&z=1", "z=1"),
            ("a=%2B&a=%2b&a=+", "a=%2B&a=%2B&a=%2B"), ("b=%2D&a%2d=1", "a-=1&b=-"), ("c=3&%62=2&a=1", "a=1&b=2&c=3"),
            ("a=%7E&a=~&a=%7e", "a=~&a=~&a=~"), ("k%3D=%3d", "k%3D=%3D"),
        ])
    func queryCanonicalization(raw: String, canonical: String) throws {
        #expect(try Self.canonicalLines(query: raw)[2] == Substring(canonical))
    }

    @Test(
        "invalid percent-encoding in the query is rejected", arguments: ["a=%", "a=%4", "a=%zz", "%g1=b", "a=1&b=%%"])
    func invalidQueryEncodingIsRejected(raw: String) {
        #expect(throws: SigV4Error(.malformedQueryString, "")) { try Self.canonicalLines(query: raw) }
    }

    @Test("header values are trimmed, inner whitespace collapsed, and repeats joined in order")
    func headerCanonicalization() throws {
        let lines = try Self.canonicalLines(headers: [
            .init(name: "X-B", value: "\t two \t  words "), .init(name: "x-a", value: "first"),
            .init(name: "X-A", value: " second"), .init(name: "X-C", value: ""),
        ])
        #expect(Array(lines[3...7]) == ["host:h", "x-a:first,second", "x-b:two words", "x-c:", ""])
        #expect(lines[8] == "host;x-a;x-b;x-c")
    }
}
