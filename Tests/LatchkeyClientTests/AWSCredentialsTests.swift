import LatchkeyClient
import Testing

@Suite struct AWSCredentialsTests {
    @Test("The description of credentials shows the key ID but never the secret or the session token")
    func descriptionRedactsSecrets() {
        let credentials = AWSCredentials(
            accessKeyId: "ASIAEXAMPLEKEY123456", secretAccessKey: "very-secret-value", sessionToken: "token-value")
        let text = "\(credentials)"
        #expect(text.contains("ASIAEXAMPLEKEY123456"))
        #expect(!text.contains("very-secret-value"))
        #expect(!text.contains("token-value"))
    }
}
