import Crypto
import Foundation
import LatchkeyBase
import LatchkeyDomain
import Testing

@testable import LatchkeyTokens

/// Tokens sealed by the code before the buffer encoder and the random pool (commit 87380c5), checked in: the token
/// format is a contract between nodes and across restarts, so what they sealed must open, and what this build seals
/// must be what they would have written.
@Suite struct SessionTokenFixtureTests {
    /// The master key of the fixtures: bytes 1...32 (a public test key). Tokens are sealed under ring key 7.
    let ring: SessionTokenKeyRing
    let key: SymmetricKey

    init() throws {
        let master = try MasterKey(bytes: Array(1...32))
        ring = try SessionTokenKeyRing.derived(from: master, activeKeyID: 7)
        key = master.derivedKey(label: MasterKey.sessionTokenLabel(keyID: 7))
    }

    /// `SessionTokenKeyRingTests.full`, with its issue time in whole seconds.
    static var full: SessionTokenClaims {
        var claims = SessionTokenKeyRingTests.full
        claims.issuedAt = Date(timeIntervalSince1970: 1_700_000_000)
        return claims
    }

    /// `SessionTokenKeyRingTests.minimal`.
    static var minimal: SessionTokenClaims { SessionTokenKeyRingTests.minimal }

    /// Sealed from `full` at 87380c5.
    static let fullToken =
        "AQAAAAd4PNm7rj8+F5wfY5RTebxbp5ImrgwG87RgVkr+bMdGpxm/nAsJmtKDyfwyaXhDYL8FVRGHSD/JGSh3yr6TP6vJq2lL+8Be"
        + "kFNjw5Fik0CM7bb98rPpHoXM9FBqCJSWi/Ge1FpKmzH3PGFVD4cwFkAdVg9C6kkt/rOLw6zjNypZFiQ0m7SJlOqYGIejMPgVfmta"
        + "U5vySNcAhDL672GRIYWMeK2lIHKAU0WUPcf3EjOU8+zmRgIWOFaphsXYia4JbePtj/lupYOakmecVz4uYoIIYSU4km8aoeORYxnE"
        + "uutpgKP1FrDa6REi2e3dTdXtkeIhxEUF0yLTiQv6ikwma6oCnNG0cmZPWxCFFy7xzgAC5NGE44LjkFm5Xh1sCDhqkLU7Wrq8hjff"
        + "5JE/6H0y03JmCoJLbjhgFFnXC7canJHNw2H4K+nfwti6aJOLrOIEK7j8V9U2UeDcoEdkuoHtZ32WhRTsCK4W2eUsMRkXrU/n7Csu"
        + "lj7e4MzlBT5NTTHVmsXembgfrETMzycvxnObUF0o4B2B/PxTM2Qy/MIw0djgkgZZu8hns3b31t6VXK1HZ+r6bjJr1PDvxvwqxeil"
        + "KUP9HvFlfq++pFYjoNfJ+KhG0+/mGdqmNp6+9bjHkA43qi41Wrn696zTZAh7+TH41liADjsnGn+Q8bm94JAhSp9nMwZC7KmE3rc8"
        + "/mX4Zh0zJHbmdKllJjVzSX7ni+kLceAHDpvMBB5j1y59fTYr2JoFICSsj1lPg1bnTDNZYdwrD7g8mWzpzhOWEJinlLUlEdAUhnoW"
        + "O2geVz7AsoF+LZiorsHqol+sjO2G9S55zrVt"

    /// The plaintext inside `fullToken` (base64), as 87380c5's encoder wrote it.
    static let fullPlaintext =
        "AAEUQVNJQVkzNEZaS0JPS01VVFZWN0EAAih3SmFsclhVdG5GRU1JL0s3TURFTkcvYlB4UmZpQ1lFWEFNUExFS0VZAAMMNjA5NjI5"
        + "MDY1MzA4AAQBAgAFN2Fybjphd3M6c3RzOjo2MDk2MjkwNjUzMDg6YXNzdW1lZC1yb2xlL2RlcGxveS9jaS1ydW4tNDIABh9BUk9B"
        + "WTM0RlpLQk9LTVVUVlY3QUI6Y2ktcnVuLTQyAAcuYXJuOmF3czpzdHM6OjYwOTYyOTA2NTMwODphc3N1bWVkLXJvbGUvYmFzZS9j"
        + "aQAICAAAAABlU/EAAAkIAAAAAGVT/xAACgEBAAsIAAAAAGVT8PYADBFhbGljZUBleGFtcGxlLmNvbQANWHsiVmVyc2lvbiI6IjIw"
        + "MTItMTAtMTciLCJTdGF0ZW1lbnQiOlt7IkVmZmVjdCI6IkFsbG93IiwiQWN0aW9uIjoiczM6KiIsIlJlc291cmNlIjoiKiJ9XX0A"
        + "Dk4mYXJuOmF3czppYW06OmF3czpwb2xpY3kvUmVhZE9ubHlBY2Nlc3MmYXJuOmF3czppYW06OjYwOTYyOTA2NTMwODpwb2xpY3kv"
        + "ZXh0cmEADyQHUHJvamVjdAhMYXRjaGtleQpDb3N0Q2VudGVyB8Opw58tMTIAEAgHUHJvamVjdAARAQEAEiVhcm46YXdzOmlhbTo6"
        + "NjA5NjI5MDY1MzA4OnJvbGUvZGVwbG95ABMVQVJPQVkzNEZaS0JPS01VVFZWN0FCABQJY2ktcnVuLTQyAfQDAQID//8A"

    /// Sealed from `minimal` at 87380c5.
    static let minimalToken =
        "AQAAAAcwq0FxUony9PWAgDhxzn0/bhEjh0xavCovjYiJtk+OKONyUokAx6jj8E5UVFjovNPR8PtIj9VvuvdV22XGWskik82Xwy50"
        + "HGCmW2FPHl1UW60b3K5h/afT+e3VbHv1czw4sYuPWm2oUWbjEjPz5B/bPWearlZGP5RE8XyaZ3/U7Gpf8vaGfoLAtwQbwCERG44B"
        + "C0jdNkon5HnISKnKoRcyLPkhVomtNgNjK1Y1LUc9V9Q353TzlNaMsPl+w9kRIZ8arbuFlJI4hXYvivY/U/QoZvctosUxsEk3IQz6"
        + "liI/KFbSoCKTzGP4YogiysE="

    /// The plaintext inside `minimalToken` (base64).
    static let minimalPlaintext =
        "AAEUQVNJQVkzNEZaS0JPS01VVFZWN0EAAih3SmFsclhVdG5GRU1JL0s3TURFTkcvYlB4UmZpQ1lFWEFNUExFS0VZAAMMNjA5NjI5"
        + "MDY1MzA4AAQBAQAFJGFybjphd3M6aWFtOjo2MDk2MjkwNjUzMDg6dXNlci9hbGljZQAGFUFJREFZMzRGWktCT0tNVVRWVjdBQgAH"
        + "JGFybjphd3M6aWFtOjo2MDk2MjkwNjUzMDg6dXNlci9hbGljZQAICAAAAABlU/EAAAkIAAAAAGVUmcA="

    /// The plaintext of `token`, opened with AES-GCM directly (the envelope as documented on `SessionTokenKeyRing`).
    func plaintext(of token: String) throws -> [UInt8] {
        let bytes = try #require(Base64.decode(token))
        #expect(bytes[0..<5] == [1, 0, 0, 0, 7])
        let box = try AES.GCM.SealedBox(combined: bytes[5...])
        return Array(try AES.GCM.open(box, using: key, authenticating: bytes[0..<5]))
    }

    @Test("tokens sealed by the earlier code open to their claims")
    func earlierTokensOpen() throws {
        #expect(try ring.open(Self.fullToken) == Self.full)
        #expect(try ring.open(Self.minimalToken) == Self.minimal)
        #expect(try plaintext(of: Self.fullToken) == Base64.decode(Self.fullPlaintext))
    }

    @Test("the encoder writes byte for byte what the earlier encoder wrote")
    func encodingIsUnchanged() throws {
        #expect(try SessionTokenEncoder.encode(Self.full) == Base64.decode(Self.fullPlaintext))
        #expect(try SessionTokenEncoder.encode(Self.minimal) == Base64.decode(Self.minimalPlaintext))
        #expect(try SessionTokenEncoder.encodedCount(Self.full) == Base64.decode(Self.fullPlaintext)?.count)
    }

    @Test("tokens sealed now have the earlier envelope around the earlier plaintext, so earlier code opens them")
    func newTokensHaveTheEarlierFormat() throws {
        for (claims, plaintext) in [(Self.full, Self.fullPlaintext), (Self.minimal, Self.minimalPlaintext)] {
            let token = try ring.seal(claims)
            let expected = try #require(Base64.decode(plaintext))
            #expect(token.utf8.count == (expected.count + 33 + 2) / 3 * 4)
            #expect(try self.plaintext(of: token) == expected)
            #expect(try ring.open(token) == claims)
        }
    }
}
