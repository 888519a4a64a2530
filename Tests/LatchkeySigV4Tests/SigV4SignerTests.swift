import Foundation
import LatchkeySigV4
import Testing

@Suite struct SigV4SignerTests {
    @Test("signing twice replaces the earlier signing headers instead of repeating them")
    func resigningReplacesHeaders() throws {
        let once = try Fixture.headerSigned()
        let later = Fixture.date.addingTimeInterval(60)
        let twice = try Fixture.signer().sign(once, date: later).request
        #expect(twice.headers.count == once.headers.count)
        #expect(twice.values(forHeader: "x-amz-date") == ["20150830T123700Z"])
        try Fixture.verify(twice, now: later)
    }

    @Test("header signing signs every header except the ones proxies change, and includes the token")
    func headerSigningChoosesHeaders() throws {
        var request = Fixture.postRequest()
        request.headers.append(.init(name: "User-Agent", value: "latchkey-test"))
        request.headers.append(.init(name: "X-Amzn-Trace-Id", value: "Root=1"))
        let signed = try Fixture.signer().sign(request, date: Fixture.date)
        let auth = try #require(try SigV4.parseAuthorization(request: signed.request))
        #expect(auth.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-security-token"])
        #expect(auth.securityToken == Fixture.token)
        #expect(
            signed.request.values(forHeader: "authorization").first?.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDLATCHKEYTEST/20150830/us-east-1/sts/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=") == true)
        try Fixture.verify(signed.request)
    }

    @Test("the x-amz-content-sha256 option adds and signs the payload hash")
    func contentSHA256Header() throws {
        var signer = Fixture.signer(token: nil)
        signer.options.addContentSHA256Header = true
        let signed = try signer.sign(Fixture.postRequest(), date: Fixture.date).request
        #expect(signed.values(forHeader: "x-amz-content-sha256") == [Fixture.postRequest().payloadHash])
        let auth = try #require(try SigV4.parseAuthorization(request: signed))
        #expect(auth.signedHeaders.contains("x-amz-content-sha256"))
        try Fixture.verify(signed)
    }

    @Test("presigning replaces earlier X-Amz-* parameters and drops an Authorization header")
    func representingReplacesParameters() throws {
        var request = try Fixture.presigned(expires: 60)
        request.headers.append(.init(name: "Authorization", value: "stale"))
        let later = Fixture.date.addingTimeInterval(120)
        let again = try Fixture.signer().presign(request, date: later, expires: 300).request
        #expect(again.values(forHeader: "authorization").isEmpty)
        #expect(again.rawQuery.hasPrefix("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="))
        #expect(again.rawQuery.components(separatedBy: "X-Amz-Signature=").count == 2)
        let auth = try #require(try SigV4.parseAuthorization(request: again))
        #expect(auth.form == .presigned(expiresSeconds: 300))
        try Fixture.verify(again, now: later)
    }

    @Test("presigning encodes the credential, signed headers and token into the query")
    func presignedQueryEncoding() throws {
        let request = try Fixture.presigned(expires: 60)
        #expect(
            request.rawQuery.contains(
                "&X-Amz-Credential=AKIDLATCHKEYTEST%2F20150830%2Fus-east-1%2Fsts%2Faws4_request"
                    + "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=60"
                    + "&X-Amz-Security-Token=TOKENvalue%2Fwith%2Bslash%3Dand-more-"
            ))
    }

    @Test("presigning rejects X-Amz-Expires outside 1...604800", arguments: [0, -1, 604_801])
    func presignRejectsBadExpiry(expires: Int) {
        #expect(throws: SigV4Error(.incompleteSignature, "")) {
            try Fixture.signer().presign(Fixture.getRequest(), date: Fixture.date, expires: expires)
        }
    }

    @Test("signing a request without a Host header is refused")
    func signingWithoutHostIsRefused() {
        let request = SignableRequest(method: "GET", rawPath: "/", headers: [])
        let error = Fixture.error { () throws(SigV4Error) in _ = try Fixture.signer().sign(request, date: Fixture.date)
        }
        #expect(error?.message == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    }

    @Test("fractional seconds in the signing date are dropped")
    func fractionalSecondsAreDropped() throws {
        let signed = try Fixture.signer().sign(Fixture.postRequest(), date: Fixture.date.addingTimeInterval(0.999))
        #expect(signed.request.values(forHeader: "x-amz-date") == ["20150830T123600Z"])
    }

    @Test("an already percent-encoded path is signed double-encoded and still verifies")
    func encodedPathRoundTrip() throws {
        var request = Fixture.getRequest()
        request.rawPath = "/a%20b/./c"
        let signed = try Fixture.signer().sign(request, date: Fixture.date)
        #expect(signed.canonicalRequest.split(separator: "\n")[1] == "/a%2520b/c")
        try Fixture.verify(signed.request)
    }
}
