import LatchkeySigV4
import Testing

@Suite struct SigV4SigningKeyTests {
    /// Reference values from Python's `hmac` module: the SigV4 key chain for (secret, 20150830, us-east-1, sts),
    /// then HMAC-SHA256 of "string to sign". "AWS4" + a 60- or 200-character secret is longer than the 64-byte
    /// HMAC block, so those rows exercise the hash-the-key-first path.
    @Test(
        "signing keys and signatures match an independent HMAC implementation for any secret length",
        arguments: [
            ("", "14ca44254acbbe60165842eb62b8bd5537d71e77324cda4cd4b326823cbf0c5f"),
            ("short", "87d5c070482383d2b2362a350bd229259359cffdaad0cd713a5d744b73dea7d2"),
            (String(repeating: "x", count: 60), "798f79de640b80d7b7aab684d7663b914624b993db5d702f0709845009408929"),
            (String(repeating: "L", count: 200), "3cdc9001a673468cb0416340689e5936e99108bb97efbfdac0d9f3e8c3e10696"),
        ])
    func signingKeyMatchesReference(secret: String, expected: String) {
        let key = SigV4.signingKey(secretAccessKey: secret, date: "20150830", region: "us-east-1", service: "sts")
        #expect(SigV4.signature(stringToSign: "string to sign", signingKey: key) == expected)
        // The key's precomputed state is reused, so signing again gives the same answer.
        #expect(SigV4.signature(stringToSign: "string to sign", signingKey: key) == expected)
    }

    @Test("a signing key knows the scope it was derived for")
    func signingKeyMatchesScope() {
        let key = SigV4.signingKey(secretAccessKey: "s", date: "20150830", region: "us-east-1", service: "sts")
        #expect(key.matches(SigV4Scope(date: "20150830", region: "us-east-1", service: "sts")))
        #expect(!key.matches(SigV4Scope(date: "20150830", region: "eu-west-1", service: "sts")))
        #expect(!key.matches(SigV4Scope(date: "20150830", region: "us-east-1", service: "iam")))
        #expect(!key.matches(SigV4Scope(date: "20150831", region: "us-east-1", service: "sts")))
    }
}
