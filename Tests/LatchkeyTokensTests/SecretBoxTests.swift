import Crypto
import Testing

@testable import LatchkeyTokens

@Suite struct MasterKeyTests {
    static let fixedBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

    @Test("round-trips through base64 and refuses other lengths and garbage")
    func base64RoundTrip() throws {
        let key = MasterKey.generate()
        let copy = try MasterKey(base64: key.base64)
        #expect(copy.base64 == key.base64)
        #expect(MasterKey.generate().base64 != key.base64)
        #expect(throws: MasterKeyError(.wrongLength)) {
            try MasterKey(base64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")  // 31 bytes
        }
        #expect(throws: MasterKeyError(.invalidBase64)) { try MasterKey(base64: "not base64!") }
        #expect(throws: MasterKeyError(.invalidBase64)) { try MasterKey(base64: Self.fixedBase64 + "\n") }
        #expect(throws: MasterKeyError(.wrongLength)) { try MasterKey(base64: "") }
        #expect(throws: MasterKeyError(.wrongLength)) { try MasterKey(bytes: [UInt8](repeating: 1, count: 33)) }
        #expect(try MasterKey(bytes: Array(0..<32)).base64 == Self.fixedBase64)
    }

    @Test("derives the HKDF-SHA256 keys computed independently for each label")
    func derivationIsPinned() throws {
        let master = try MasterKey(base64: Self.fixedBase64)
        #expect(master.base64 == Self.fixedBase64)
        let atRest = master.derivedKey(label: MasterKey.atRestLabel)
        #expect(
            atRest.withUnsafeBytes { primitivesHex($0) }
                == "2a70872581a4c1ee1452323b821c1cff58ff20e3b32652f746553c86042fa3a9")
        #expect(MasterKey.sessionTokenLabel(keyID: 7) == "latchkey session-token v1 key 7")
        let token = master.derivedKey(label: MasterKey.sessionTokenLabel(keyID: 7))
        #expect(
            token.withUnsafeBytes { primitivesHex($0) }
                == "060a849e51523ee18e2d6c99a5532583d032fbba1b416affe7dca499abd4c76e")
    }

    @Test("never shows the key in its description")
    func descriptionIsRedacted() throws {
        let master = try MasterKey(base64: Self.fixedBase64)
        #expect(!"\(master)".contains("AAEC"))
        #expect(!String(reflecting: master).contains("AAEC"))
    }
}

@Suite struct SecretBoxTests {
    let box = SecretBox(masterKey: MasterKey.generate())
    let secret = Array("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".utf8)
    let context = "access-key:AKIARZPUZDIKGB2VALC4"

    @Test("opens what it sealed, with a fresh nonce each time")
    func roundTrip() throws {
        let sealed = box.seal(secret, context: context)
        #expect(sealed.count == secret.count + SecretBox.overhead)
        #expect(sealed.first == 1)
        #expect(try box.open(sealed, context: context) == secret)
        #expect(box.seal(secret, context: context) != sealed)
        #expect(try box.open(box.seal([], context: context), context: context) == [])
    }

    @Test("a ciphertext moved to another row fails to open")
    func otherContextIsRejected() {
        let sealed = box.seal(secret, context: context)
        #expect(throws: SecretBoxError(.authenticationFailed)) {
            try box.open(sealed, context: "access-key:AKIAQYLPMN5HFIQYYL7N")
        }
        #expect(throws: SecretBoxError(.authenticationFailed)) { try box.open(sealed, context: "") }
    }

    @Test("another master key cannot open it")
    func otherMasterKeyIsRejected() {
        let sealed = box.seal(secret, context: context)
        let other = SecretBox(masterKey: MasterKey.generate())
        #expect(throws: SecretBoxError(.authenticationFailed)) { try other.open(sealed, context: context) }
    }

    @Test("altering any byte or truncating at any length makes it fail")
    func tamperingIsRejected() {
        let sealed = box.seal(secret, context: context)
        for position in sealed.indices {
            var altered = sealed
            altered[position] ^= 0x01
            #expect(throws: SecretBoxError.self) { try box.open(altered, context: context) }
        }
        for length in 0..<sealed.count {
            #expect(throws: SecretBoxError.self) { try box.open(Array(sealed.prefix(length)), context: context) }
        }
    }

    @Test("an unknown version byte is reported as such")
    func unknownVersionIsRejected() {
        var sealed = box.seal(secret, context: context)
        sealed[0] = 2
        #expect(throws: SecretBoxError(.unsupportedVersion)) { try box.open(sealed, context: context) }
        #expect(throws: SecretBoxError(.malformed)) { try box.open([], context: context) }
        #expect(throws: SecretBoxError(.malformed)) { try box.open([1, 2, 3], context: context) }
    }

    @Test("only 256-bit keys are accepted directly")
    func keySizeIsChecked() {
        #expect(SecretBox(key: SymmetricKey(size: .bits128)) == nil)
        #expect(SecretBox(key: SymmetricKey(size: .bits256)) != nil)
    }
}
