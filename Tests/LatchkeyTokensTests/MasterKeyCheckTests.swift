import Crypto
import Testing

@testable import LatchkeyTokens

@Suite struct MasterKeyCheckTests {
    @Test("the check value is HMAC-SHA256 of the fixed message under the HKDF key for the check label")
    func checkValueIsPinned() throws {
        let master = try MasterKey(bytes: Array(0..<32))
        // Computed independently (Python hmac/hashlib: HKDF-SHA256 without salt, then HMAC-SHA256).
        #expect(
            primitivesHex(master.checkValue) == "34f3be91e66db8737625b8ebbeebafe81fb3fb13b8cba6dd445f6bfd78a175a9")
        #expect(master.checkValue.count == 32)
    }

    @Test("differs between keys, is stable for one key, and is none of the key or its derived keys")
    func checkValueSeparatesKeys() throws {
        let master = try MasterKey(bytes: Array(0..<32))
        let other = MasterKey.generate()
        #expect(master.checkValue == master.checkValue)
        #expect(master.checkValue != other.checkValue)
        #expect(master.matchesCheckValue(master.checkValue))
        #expect(!master.matchesCheckValue(other.checkValue))
        #expect(!master.matchesCheckValue([]))
        #expect(!master.matchesCheckValue(Array(master.checkValue.dropLast())))
        #expect(master.checkValue != Array(0..<32))
        let derived = [MasterKey.atRestLabel, MasterKey.checkLabel, MasterKey.sessionTokenLabel(keyID: 1)].map {
            master.derivedKey(label: $0).withUnsafeBytes { Array($0) }
        }
        #expect(!derived.contains(master.checkValue))
    }
}
