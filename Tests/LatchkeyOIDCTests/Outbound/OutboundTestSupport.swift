import Foundation
import JWTKit
import LatchkeyOIDC
import Testing

/// Helpers shared by the outbound tests: fixed times, a ring made once, token inspection, JWKS verification.
enum OutboundFixtures {
    /// 2026-01-01T00:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    static func issuer() throws -> OutboundIssuer {
        try #require(OutboundIssuer(baseURL: "https://sts.example.test:8443/outbound/", issuerID: "acct-111122223333"))
    }

    static func claims(
        audiences: [String] = ["https://api.example.test"], durationSeconds: Int = 300,
        requestTags: [String: String] = [:]
    ) throws -> OutboundTokenClaims {
        OutboundTokenClaims(
            issuer: try issuer().url, subject: "arn:aws:iam::111122223333:role/Builder", audiences: audiences,
            durationSeconds: durationSeconds, account: "111122223333", sourceRegion: "us-east-1",
            principalTags: ["team": "data"], requestTags: requestTags)
    }

    /// Decodes the JSON of a compact JWT's header (part 0) or payload (part 1).
    static func jsonObject(of token: String, part: Int) throws -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        var base64 = parts[part].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Verifies `token` with jwt-kit using only the JWKS document bytes.
    static func verify(_ token: String, jwks: Data) async throws -> OutboundTokenPayload {
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: String(decoding: jwks, as: UTF8.self))
        return try await keys.verify(token, as: OutboundTokenPayload.self)
    }

    /// The `kid`s a JWKS document lists.
    static func kids(in jwks: Data) throws -> [String] {
        let root = try #require(try JSONSerialization.jsonObject(with: jwks) as? [String: Any])
        let keys = try #require(root["keys"] as? [[String: Any]])
        return keys.compactMap { $0["kid"] as? String }
    }
}
