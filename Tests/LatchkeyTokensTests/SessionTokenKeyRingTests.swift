import Crypto
import Foundation
import LatchkeyBase
import LatchkeyDomain
import Testing

@testable import LatchkeyTokens

@Suite struct SessionTokenKeyRingTests {
    let master: MasterKey
    let ring: SessionTokenKeyRing

    init() throws {
        master = MasterKey.generate()
        ring = try SessionTokenKeyRing.derived(from: master, activeKeyID: 1)
    }

    static let minimal = SessionTokenClaims(
        accessKeyId: "ASIAY34FZKBOKMUTVV7A",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        accountId: "609629065308",
        kind: .sessionToken,
        principalArn: "arn:aws:iam::609629065308:user/alice",
        userId: "AIDAY34FZKBOKMUTVV7AB",
        sourcePrincipalArn: "arn:aws:iam::609629065308:user/alice",
        issuedAt: Date(timeIntervalSince1970: 1_700_000_000),
        expiresAt: Date(timeIntervalSince1970: 1_700_043_200)
    )

    static let full = SessionTokenClaims(
        accessKeyId: "ASIAY34FZKBOKMUTVV7A",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        accountId: "609629065308",
        kind: .assumedRole,
        principalArn: "arn:aws:sts::609629065308:assumed-role/deploy/ci-run-42",
        userId: "AROAY34FZKBOKMUTVV7AB:ci-run-42",
        sourcePrincipalArn: "arn:aws:sts::609629065308:assumed-role/base/ci",
        issuedAt: Date(timeIntervalSince1970: 1_700_000_000.75),
        expiresAt: Date(timeIntervalSince1970: 1_700_003_600),
        mfaAuthenticated: true,
        mfaAuthenticatedAt: Date(timeIntervalSince1970: 1_699_999_990),
        sourceIdentity: "alice@example.com",
        sessionPolicy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::609629065308:policy/extra"],
        tags: [SessionTag(key: "Project", value: "Latchkey"), SessionTag(key: "CostCenter", value: "éß-12")],
        transitiveTagKeys: ["Project"],
        isChained: true,
        roleArn: "arn:aws:iam::609629065308:role/deploy",
        roleId: "AROAY34FZKBOKMUTVV7AB",
        sessionName: "ci-run-42",
        extensions: [500: [1, 2, 3], 65535: []]
    )

    @Test("round-trips claims with every field set, dates in whole seconds")
    func roundTripsFullClaims() throws {
        let token = try ring.seal(Self.full)
        let opened = try ring.open(token)
        #expect(opened == Self.full)
        #expect(opened.issuedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(opened.tags.map(\.key) == ["Project", "CostCenter"])
        #expect(opened.kind == .assumedRole)
    }

    @Test("round-trips claims with only the required fields")
    func roundTripsMinimalClaims() throws {
        let opened = try ring.open(try ring.seal(Self.minimal))
        #expect(opened == Self.minimal)
        #expect(opened.sessionPolicy == nil && opened.policyArns.isEmpty && !opened.mfaAuthenticated)
    }

    @Test("the source principal defaults to the principal")
    func sourcePrincipalDefaultsToPrincipal() {
        let claims = SessionTokenClaims(
            accessKeyId: "ASIAY34FZKBOKMUTVV7A", secretAccessKey: "s", accountId: "609629065308", kind: .sessionToken,
            principalArn: "arn:aws:iam::609629065308:user/bob", userId: "AIDA",
            issuedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 900))
        #expect(claims.sourcePrincipalArn == "arn:aws:iam::609629065308:user/bob")
    }

    @Test("empty optional strings stay distinct from absent ones, and unknown kinds survive")
    func emptyStringsAndUnknownKindsSurvive() throws {
        var claims = Self.minimal
        claims.sessionName = ""
        claims.kind = SessionTokenKind(wireCode: 200)
        let opened = try ring.open(try ring.seal(claims))
        #expect(opened.sessionName == "")
        #expect(opened.kind.wireCode == 200)
    }

    @Test("unknown extension tags survive a round trip; extensions using known tags are ignored")
    func extensionsSurvive() throws {
        var claims = Self.minimal
        claims.extensions = [21: [0xff], 4096: Array("future".utf8), 5: [9, 9]]
        let opened = try ring.open(try ring.seal(claims))
        #expect(opened.extensions == [21: [0xff], 4096: Array("future".utf8)])
        #expect(opened.principalArn == Self.minimal.principalArn)
    }

    @Test("the token is canonical base64 that shows none of its claims, under 1200 characters for GetSessionToken")
    func tokenShape() throws {
        let token = try ring.seal(Self.minimal)
        #expect(token.count < 1200)
        #expect(token.count % 4 == 0)
        let decoded = try #require(Data(base64Encoded: token))
        #expect(Array(decoded.prefix(5)) == [1, 0, 0, 0, 1])
        // Nothing of the claims shows through: neither the secret nor the principal, in the text or the bytes.
        #expect(!token.contains(Self.minimal.secretAccessKey))
        let bytes = Array(decoded)
        let arn = Array(Self.minimal.principalArn.utf8)
        #expect(!(0...(bytes.count - arn.count)).contains { Array(bytes[$0..<($0 + arn.count)]) == arn })
        #expect(try ring.seal(Self.minimal) != token)
    }

    @Test("altering any single byte of the decoded token makes it fail")
    func tamperedByteIsRejected() throws {
        let bytes = try #require(Base64.decode(Array(try ring.seal(Self.full).utf8)))
        for position in bytes.indices {
            for flip: UInt8 in [0x01, 0x80] {
                var altered = bytes
                altered[position] ^= flip
                #expect(throws: SessionTokenError.self) { try ring.open(Base64.encode(altered)) }
            }
        }
    }

    @Test("truncating the token at any length makes it fail")
    func truncatedTokenIsRejected() throws {
        let token = try ring.seal(Self.full)
        let bytes = try #require(Base64.decode(Array(token.utf8)))
        for length in 0..<bytes.count {
            #expect(throws: SessionTokenError.self) { try ring.open(Base64.encode(bytes.prefix(length))) }
        }
        for length in 0..<token.count {
            #expect(throws: SessionTokenError.self) { try ring.open(String(token.prefix(length))) }
        }
    }

    @Test("a token survives rotation while its key is accepted, and fails once the key is dropped")
    func rotation() throws {
        let token = try SessionTokenKeyRing.derived(from: master, activeKeyID: 1).seal(Self.minimal)
        let rotated = try SessionTokenKeyRing.derived(from: master, activeKeyID: 2, acceptedKeyIDs: [1])
        #expect(try rotated.open(token) == Self.minimal)
        #expect(rotated.acceptedKeyIDs == [1, 2])
        let newToken = try rotated.seal(Self.minimal)
        #expect(Base64.decode(Array(newToken.utf8))?[4] == 2)
        let dropped = try SessionTokenKeyRing.derived(from: master, activeKeyID: 2)
        #expect(throws: SessionTokenError(.unknownKey)) { try dropped.open(token) }
        #expect(try dropped.open(newToken) == Self.minimal)
    }

    @Test("a token sealed under another master key fails authentication")
    func otherMasterKeyIsRejected() throws {
        let token = try ring.seal(Self.minimal)
        let other = try SessionTokenKeyRing.derived(from: MasterKey.generate(), activeKeyID: 1)
        #expect(throws: SessionTokenError(.authenticationFailed)) { try other.open(token) }
    }

    @Test("the header is authenticated: a changed key ID fails even when both IDs name the same key")
    func keyIDIsAuthenticated() throws {
        // The same key under two IDs, so only the authenticated data can tell them apart.
        let key = SymmetricKey(size: .bits256)
        let both = try SessionTokenKeyRing(keys: [1: key, 2: key], activeKeyID: 1)
        var bytes = try #require(Base64.decode(Array(try both.seal(Self.minimal).utf8)))
        bytes[4] = 2
        #expect(throws: SessionTokenError(.authenticationFailed)) { try both.open(Base64.encode(bytes)) }
    }

    @Test("bad base64, short, long and unknown-version tokens are malformed")
    func malformedTokensAreRejected() throws {
        #expect(throws: SessionTokenError(.malformed)) { try ring.open("") }
        #expect(throws: SessionTokenError(.malformed)) { try ring.open("not a token") }
        #expect(throws: SessionTokenError(.malformed)) { try ring.open(String(repeating: "A", count: 16 * 1024 + 4)) }
        var bytes = try #require(Base64.decode(Array(try ring.seal(Self.minimal).utf8)))
        bytes[0] = 2
        #expect(throws: SessionTokenError(.malformed)) { try ring.open(Base64.encode(bytes)) }
        let token = try ring.seal(Self.minimal)
        #expect(throws: SessionTokenError(.malformed)) { try ring.open(token + "\n") }
        #expect(throws: SessionTokenError(.malformed)) { try ring.open(String(token.dropLast(4)) + "-_-_") }
    }

    @Test("random garbage of many lengths never crashes and never opens")
    func garbageNeverOpens() {
        var generator = PrimitivesSeededGenerator(seed: 0x5eed)
        for round in 0..<1000 {
            let length = Int.random(in: 0...1400, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0, !bytes.isEmpty {
                // Half the cases carry a valid header, so they reach the cipher.
                bytes.replaceSubrange(0..<min(5, bytes.count), with: [1, 0, 0, 0, 1].prefix(bytes.count))
            }
            let token = round % 3 == 0 ? String(decoding: bytes, as: UTF8.self) : Base64.encode(bytes)
            #expect(throws: SessionTokenError.self) { try ring.open(token) }
        }
    }

    @Test("claims beyond the format's bounds are refused at sealing")
    func oversizedClaimsAreRefused() {
        var claims = Self.minimal
        claims.sessionPolicy = String(repeating: "x", count: 8 * 1024 + 1)
        #expect(throws: SessionTokenError(.tooLarge)) { try ring.seal(claims) }
        claims = Self.minimal
        claims.policyArns = Array(repeating: "arn:aws:iam::aws:policy/ReadOnlyAccess", count: 65)
        #expect(throws: SessionTokenError(.tooLarge)) { try ring.seal(claims) }
        claims = Self.minimal
        claims.tags = (0..<50).map { SessionTag(key: "key-\($0)", value: String(repeating: "v", count: 256)) }
        #expect(throws: SessionTokenError(.tooLarge)) { try ring.seal(claims) }
        claims = Self.minimal
        claims.extensions = Dictionary(uniqueKeysWithValues: (100..<133).map { (UInt16($0), [UInt8]()) })
        #expect(throws: SessionTokenError(.tooLarge)) { try ring.seal(claims) }
    }

    @Test("a ring must hold its active key, and only 256-bit keys")
    func ringIsValidated() throws {
        #expect(throws: SessionTokenKeyRingError(.activeKeyMissing)) {
            try SessionTokenKeyRing(keys: [1: SymmetricKey(size: .bits256)], activeKeyID: 2)
        }
        #expect(throws: SessionTokenKeyRingError(.invalidKeySize)) {
            try SessionTokenKeyRing(keys: [1: SymmetricKey(size: .bits128)], activeKeyID: 1)
        }
        #expect(throws: SessionTokenKeyRingError(.tooManyKeys)) {
            try SessionTokenKeyRing.derived(from: master, activeKeyID: 1_000_000, acceptedKeyIDs: 1...1_000_000)
        }
        #expect(
            try SessionTokenKeyRing.derived(from: master, activeKeyID: 256, acceptedKeyIDs: 1...256)
                .acceptedKeyIDs.count == 256)
        let key = SymmetricKey(size: .bits256)
        let explicit = try SessionTokenKeyRing(keys: [9: key], activeKeyID: 9)
        #expect(try explicit.open(try explicit.seal(Self.minimal)) == Self.minimal)
    }

    @Test("the description and mirror leave out the secret access key")
    func secretIsNotPrinted() {
        #expect(!"\(Self.full)".contains("wJalr"))
        #expect(!String(reflecting: Self.full).contains("wJalr"))
        var dumped = ""
        dump(Self.full, to: &dumped)
        #expect(!dumped.contains("wJalr"))
    }
}
