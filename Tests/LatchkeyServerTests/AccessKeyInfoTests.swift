import LatchkeySigV4
import Testing

@Suite struct AccessKeyInfoTests {
    @Test(
        "GetAccessKeyInfo answers stored keys from the store and decodes any other well-formed key ID",
        arguments: [
            // Declared by the bootstrap file; the ID does not encode 111122223333.
            ("AKIAIOSFODNN7EXAMPLE", "111122223333"),
            // The README's example, not stored here: decoded from the account bits AWS puts into key IDs.
            ("AKIARZPUZDIKGB2VALC4", "123456789012"),
        ])
    func accountOfKey(keyId: String, account: String) async throws {
        try await TestServer.run { server in
            let result = try await server.sts("GetAccessKeyInfo", ["AccessKeyId": keyId]).result("GetAccessKeyInfo")
            #expect(result.text("Account") == account)
        }
    }

    @Test("the keys the server issues encode their account")
    func issuedKeysEncodeTheAccount() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: alice)
            for keyId in [alice.accessKeyID, session.credentials.accessKeyID] {
                let result = try await server.sts("GetAccessKeyInfo", ["AccessKeyId": keyId]).result("GetAccessKeyInfo")
                #expect(result.text("Account") == TestServer.accountId)
            }
            // A user may ask too: GetAccessKeyInfo needs no permission with long-term keys.
            let asUser = try await server.sts("GetAccessKeyInfo", ["AccessKeyId": alice.accessKeyID], as: alice)
            #expect(try asUser.result("GetAccessKeyInfo").text("Account") == TestServer.accountId)
        }
    }

    @Test("an AccessKeyId shorter than 16 characters or with punctuation is a ValidationError")
    func malformedKeyIdIsRejected() async throws {
        try await TestServer.run { server in
            try await server.sts("GetAccessKeyInfo", ["AccessKeyId": "AKIASHORT"]).expectError(
                "ValidationError", status: 400,
                message:
                    "1 validation error detected: Value 'AKIASHORT' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16"
            )
            try await server.sts("GetAccessKeyInfo", ["AccessKeyId": "AKIA+OSFODNN7EXAMPLE"]).expectError(
                "ValidationError", status: 400,
                message:
                    "1 validation error detected: Value 'AKIA+OSFODNN7EXAMPLE' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*"
            )
        }
    }
}
