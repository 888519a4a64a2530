import Testing

@testable import LatchkeyTokens

@Suite struct AccessKeyIDTests {
    @Test(
        "decodes the account AWS encodes in its key IDs",
        arguments: [
            ("AKIARZPUZDIKGB2VALC4", "123456789012"),
            ("ASIAY34FZKBOKMUTVV7A", "609629065308"),
            // By computation from the published layout (not confirmed against AWS).
            ("AKIAQYLPMN5HFIQYYL7N", "052310077262"),
            // Legacy IDs decode to whatever their bits say.
            ("AKIAIOSFODNN7EXAMPLE", "581039954779"),
        ]
    )
    func decodesAccount(id: String, account: String) {
        #expect(AccessKeyID.account(of: id) == account)
    }

    @Test("a decoded value wider than 12 digits comes back as it is")
    func wideValueIsNotTruncated() {
        // All 40 account bits set: 2^40 - 1.
        #expect(AccessKeyID.account(of: "AKIA7777777776AAAAAA") == "1099511627775")
    }

    @Test(
        "malformed key IDs have no account",
        arguments: [
            "AKIARZPUZDIKGB2VALC",  // 19 characters
            "AKIARZPUZDIKGB2VALC4A",  // 21 characters
            "akiarzpuzdikgb2valc4",  // lower case
            "AKIArzpuzdikgb2valc4",  // lower-case suffix
            "AKIARZPUZDIKGB2VALC0",  // '0' is not base32
            "AKIARZPUZDIKGB2VALC1",  // '1' is not base32
            "AKIARZPUZDIKGB2VAL89",  // '8' and '9' are not base32
            "AK1ARZPUZDIKGB2VALC4",  // prefix with a digit
            "AKiARZPUZDIKGB2VALC4",  // prefix with a lower-case letter
            "AKIARZPUZDIKGB2VAL=4",  // padding character
            "",
        ]
    )
    func malformedKeyIDHasNoAccount(id: String) {
        #expect(AccessKeyID.account(of: id) == nil)
    }

    @Test(
        "generated IDs carry the account, prefix and AWS's current generation flag",
        arguments: ["000000000000", "000000000001", "123456789012", "609629065308", "999999999999"]
    )
    func generatedIDsRoundTrip(account: String) throws {
        var generator = PrimitivesSeededGenerator(seed: 7)
        for kind in [AccessKeyID.Kind.longTerm, .temporary] {
            let id = AccessKeyID.generate(kind: kind, account: account, using: &generator)
            #expect(id.count == 20)
            #expect(id.hasPrefix(kind.prefix))
            #expect(AccessKeyID.account(of: id) == account)
            #expect(AccessKeyID.kind(of: id) == kind)
            // Bit 47 set: the first suffix character is one of Q-Z or 2-7, as in the IDs AWS issues today.
            let first = try #require(id.dropFirst(4).first)
            #expect("QRSTUVWXYZ234567".contains(first))
        }
    }

    @Test("generated IDs differ in their random bits")
    func generatedIDsAreRandom() {
        var generator = PrimitivesSeededGenerator(seed: 11)
        let ids = (0..<200).map { _ in
            AccessKeyID.generate(kind: .temporary, account: "123456789012", using: &generator)
        }
        #expect(Set(ids).count == ids.count)
        #expect(
            AccessKeyID.generate(kind: .longTerm, account: "123456789012")
                != AccessKeyID.generate(
                    kind: .longTerm, account: "123456789012"))
    }

    /// The 10 bytes `z (48 bits) | low (32 bits)` that IDs spell in base32, drawn as the generator did before the
    /// direct encoder: first `z`'s 7 random bits, then `low`.
    static func referenceBytes(account: UInt64, _ generator: inout PrimitivesSeededGenerator) -> [UInt8] {
        let z: UInt64 = AccountIDBits.generationFlag | (account << 7) | (generator.next() & 0x7f)
        let low = UInt32(truncatingIfNeeded: generator.next())
        var bytes: [UInt8] = []
        for index in 0..<6 { bytes.append(UInt8(truncatingIfNeeded: z >> UInt64(8 * (5 - index)))) }
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: low >> UInt32(8 * (3 - index)))) }
        return bytes
    }

    @Test("IDs are spelled as base32 of the 10 bytes `z (48 bits) | low (32 bits)`, as before the direct encoder")
    func directEncoderMatchesBase32() {
        var generator = PrimitivesSeededGenerator(seed: 5)
        var reference = PrimitivesSeededGenerator(seed: 5)
        for _ in 0..<200 {
            let id = AccessKeyID.generate(kind: .temporary, account: "609629065308", using: &generator)
            let bytes = Self.referenceBytes(account: 609_629_065_308, &reference)
            #expect(id == "ASIA" + Base32.encode(bytes))
        }
        let unique = UniqueID.generate(prefix: "AROA", account: "609629065308", using: &generator)
        let extra = Base32.alphabet[Int(reference.next(upperBound: UInt8(32)))]
        let bytes = Self.referenceBytes(account: 609_629_065_308, &reference)
        #expect(unique == "AROA" + Base32.encode(bytes) + String(decoding: [extra], as: UTF8.self))
    }

    @Test("IDs from the secure pool keep their format and never repeat")
    func pooledIDsKeepTheirFormat() {
        let ids = (0..<500).map { index in
            AccessKeyID.generate(kind: index % 2 == 0 ? .temporary : .longTerm, account: "609629065308")
        }
        #expect(Set(ids).count == ids.count)
        for (index, id) in ids.enumerated() {
            #expect(id.count == 20)
            #expect(id.hasPrefix(index % 2 == 0 ? "ASIA" : "AKIA"))
            #expect(AccessKeyID.account(of: id) == "609629065308")
        }
        let uniqueIDs = (0..<100).map { _ in UniqueID.generate(prefix: UniqueID.rolePrefix, account: "609629065308") }
        #expect(Set(uniqueIDs).count == uniqueIDs.count)
        #expect(uniqueIDs.allSatisfy { $0.count == 21 && UniqueID.account(of: $0) == "609629065308" })
    }

    @Test("the kind of an ID follows its prefix, and other prefixes have none")
    func kindFollowsPrefix() {
        #expect(AccessKeyID.kind(of: "AKIARZPUZDIKGB2VALC4") == .longTerm)
        #expect(AccessKeyID.kind(of: "ASIAY34FZKBOKMUTVV7A") == .temporary)
        #expect(AccessKeyID.kind(of: "ABIAY34FZKBOKMUTVV7A") == nil)
        #expect(AccessKeyID.account(of: "ABIAY34FZKBOKMUTVV7A") == "609629065308")
        #expect(AccessKeyID.Kind(prefix: "AKIA") == .longTerm)
    }

    @Test("only 12-digit account IDs are valid for generation")
    func accountIDValidation() {
        #expect(AccessKeyID.isValidAccountID("000000000000"))
        #expect(AccessKeyID.isValidAccountID("999999999999"))
        for bad in ["", "12345678901", "1234567890123", "12345678901a", "-12345678901", "１２３４５６７８９０１２"] {
            #expect(!AccessKeyID.isValidAccountID(bad))
        }
    }
}

@Suite struct UniqueIDTests {
    @Test(
        "generated unique IDs are 21 characters and carry the account",
        arguments: [UniqueID.userPrefix, UniqueID.rolePrefix, UniqueID.policyPrefix, UniqueID.groupPrefix]
    )
    func generatedUniqueIDsRoundTrip(prefix: String) {
        var generator = PrimitivesSeededGenerator(seed: 21)
        for account in ["000000000042", "123456789012", "999999999999"] {
            let id = UniqueID.generate(prefix: prefix, account: account, using: &generator)
            #expect(id.count == 21)
            #expect(id.hasPrefix(prefix))
            #expect(UniqueID.account(of: id) == account)
            #expect(id.utf8.allSatisfy { Base32.value(of: $0) != nil && $0 < UInt8(ascii: "a") })
        }
    }

    @Test("AWS's documented example unique ID decodes, and malformed ones do not")
    func decodesExampleAndRejectsMalformed() {
        #expect(UniqueID.account(of: "AIDACKCEVSQ6C2EXAMPLE") == "159057810492")
        #expect(UniqueID.account(of: "AIDACKCEVSQ6C2EXAMPL") == nil)
        #expect(UniqueID.account(of: "AIDACKCEVSQ6C2EXAMPLe") == nil)
        #expect(UniqueID.account(of: "AIDACKCEVSQ6C2EXAMPL1") == nil)
        #expect(UniqueID.generate(prefix: "AROA", account: "123456789012").count == 21)
    }
}
