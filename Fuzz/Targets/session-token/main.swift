import CFuzzDriver
import Crypto

import LatchkeyDomain
@testable import LatchkeyTokens

// Fuzz target: the session-token decoder. Every input is tried two ways:
// 1. as the plaintext claims (`SessionTokenDecoder.decode`), which a token holds once opened; what decodes must
//    re-encode, seal and open again to the same claims (the format has one encoding per claim set);
// 2. as a token string opened by a `SessionTokenKeyRing` with a fixed test key (`SessionTokenKeyRing.open`: length
//    bound, strict base64, version, key ID, AES-GCM, then the decoder).
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Key 7 of the ring: a fixed, public test key (never used outside fuzzing).
let ring: SessionTokenKeyRing = {
    do {
        return try SessionTokenKeyRing(
            keys: [7: SymmetricKey(data: (0..<32).map { UInt8($0) &* 7 &+ 1 })], activeKeyID: 7)
    } catch {
        fatalError("the fuzz key ring is invalid: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSessionToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let claims = try? SessionTokenDecoder.decode(bytes) {
        _ = claims.description
        if let encoded = try? SessionTokenEncoder.encode(claims) {
            guard let again = try? SessionTokenDecoder.decode(encoded) else {
                fatalError("decoded claims re-encode to bytes that do not decode")
            }
            // One pass normalises what the decoder tolerates (dates beyond Int64 seconds clamp); after it, a fixpoint.
            guard let thrice = try? SessionTokenDecoder.decode(SessionTokenEncoder.encode(again)), thrice == again
            else {
                fatalError("claims do not survive a second encode/decode round trip")
            }
            if let token = try? ring.seal(claims) {
                guard let opened = try? ring.open(token) else { fatalError("a sealed token does not open") }
                precondition(opened == again, "a sealed token opens to other claims")
            }
        }
    }
    _ = try? ring.open(String(decoding: bytes, as: UTF8.self))
    return 0
}

/// With `LATCHKEY_FUZZ_WRITE_SEEDS=DIR`, writes seeds (plaintext claims and sealed tokens) into DIR and exits.
@_cdecl("LLVMFuzzerInitialize")
public func initializeSessionToken(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["LATCHKEY_FUZZ_WRITE_SEEDS"] else { return 0 }
    let issued = Date(timeIntervalSince1970: 1_767_225_600)
    let user = SessionTokenClaims(
        accessKeyId: "ASIAZZZZZZZZZZZZZZZZ", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        accountId: "111122223333", kind: .sessionToken, principalArn: "arn:aws:iam::111122223333:user/eng/alice",
        userId: "AIDAEXAMPLEUSERID0001", issuedAt: issued, expiresAt: issued.addingTimeInterval(43_200),
        mfaAuthenticated: true, mfaAuthenticatedAt: issued)
    let role = SessionTokenClaims(
        accessKeyId: "ASIAYYYYYYYYYYYYYYYY", secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        accountId: "111122223333", kind: .assumedRole,
        principalArn: "arn:aws:sts::111122223333:assumed-role/deploy/ci",
        userId: "AROAEXAMPLEROLEID0001:ci", sourcePrincipalArn: "arn:aws:iam::111122223333:user/eng/alice",
        issuedAt: issued, expiresAt: issued.addingTimeInterval(3_600), sourceIdentity: "alice",
        sessionPolicy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        tags: [SessionTag(key: "team", value: "eng"), SessionTag(key: "env", value: "")],
        transitiveTagKeys: ["team"], isChained: true, roleArn: "arn:aws:iam::111122223333:role/deploy",
        roleId: "AROAEXAMPLEROLEID0001", sessionName: "ci", extensions: [40: [1, 2, 3]])
    let federated = SessionTokenClaims(
        accessKeyId: "ASIAXXXXXXXXXXXXXXXX", secretAccessKey: "secret", accountId: "111122223333",
        kind: .federatedUser, principalArn: "arn:aws:sts::111122223333:federated-user/bob", userId: "111122223333:bob",
        issuedAt: issued, expiresAt: issued.addingTimeInterval(900), sessionName: "bob")
    do {
        for (name, claims) in [("user", user), ("role", role), ("federated", federated)] {
            let plain = try SessionTokenEncoder.encode(claims)
            _ = FileManager.default.createFile(atPath: "\(directory)/claims-\(name)", contents: Data(plain))
            let token = try ring.seal(claims)
            _ = FileManager.default.createFile(atPath: "\(directory)/sealed-\(name)", contents: Data(token.utf8))
        }
    } catch {
        fatalError("writing the seeds failed: \(error)")
    }
    exit(0)
}

/// The executable's entry point (SwiftPM links `session_token_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("session_token_main")
public func session_tokenMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzSessionToken)
}
