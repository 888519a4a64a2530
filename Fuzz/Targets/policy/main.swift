import CFuzzDriver

// Fuzz target: the IAM policy parser (`PolicyDocument.parse`, i.e. `DocumentParser` over `JSONReader`) for every
// policy kind, and evaluation of what parses against a fixed request.
//
// Property checked besides "no crash, no leak": JSON the reader accepts serialises to JSON it reads back equal.
import LatchkeyBase
@testable import LatchkeyPolicy

let requests: [PolicyRequest] = [
    PolicyRequest(
        action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/deploy",
        principal: .aws(
            "arn:aws:iam::111122223333:user/eng/alice", derivedFrom: ["arn:aws:iam::111122223333:user/eng/alice"],
            account: "111122223333"),
        context: [
            "aws:username": ["alice"], "aws:SourceIp": ["10.1.2.3"], "aws:CurrentTime": ["2026-01-01T00:00:00Z"],
            "aws:MultiFactorAuthPresent": ["true"], "aws:PrincipalTag/team": ["eng"], "aws:TagKeys": ["team", "env"],
            "sts:ExternalId": ["ext-1"], "aws:EpochTime": ["1767225600"],
        ]),
    PolicyRequest(action: "s3:GetObject", resource: "arn:aws:s3:::bucket/alice/x", principal: nil, context: [:]),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let value = try? JSONReader.read(text) {
        let written = value.serialized
        guard let again = try? JSONReader.read(written, maxDepth: 64, maxNodes: 1_000_000) else {
            fatalError("JSON the reader accepted serialises to JSON it refuses: \(written)")
        }
        precondition(again == value, "JSON does not survive serialisation")
    }
    for kind in PolicyKind.allCases {
        guard let document = try? PolicyDocument.parse(text, kind: kind, limits: .managedPolicy) else { continue }
        for request in requests { _ = document.evaluate(request) }
    }
    return 0
}

/// The executable's entry point (SwiftPM links `policy_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("policy_main")
public func policyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzPolicy)
}
