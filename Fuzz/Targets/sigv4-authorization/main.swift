import CFuzzDriver
import LatchkeySigV4

// Fuzz target: the SigV4 `Authorization` header parser and the presigned-query parser
// (`SigV4.parseAuthorization`), then verification of what parses (canonical request, scope, time window and
// signature) with a fixed secret at the request's own timestamp, so that signed seeds verify.
//
// Input: a request as text, one line per item (`\r\n` or `\n`):
//
//     METHOD TARGET            (TARGET is the path with an optional ?query; anything after a second space is ignored)
//     Name: value              (any number of header fields, in order, repeats allowed)
//                              (an empty line, then the body, hashed as the payload)
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The secret the seeds are signed with (AWS's documentation example secret).
let secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/// Splits the input into a request; nil when it has no request line.
func request(from bytes: UnsafeBufferPointer<UInt8>) -> SignableRequest? {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var bodyStart: Int?
    var index = 0
    while index < bytes.count {
        if bytes[index] == 0x0A {
            var line = bytes[start..<index]
            if line.last == 0x0D { line = line.dropLast() }
            start = index + 1
            if line.isEmpty && !lines.isEmpty {
                bodyStart = start
                break
            }
            lines.append(ArraySlice(line))
        }
        index += 1
    }
    if bodyStart == nil && start < bytes.count { lines.append(ArraySlice(bytes[start...])) }
    guard let requestLine = lines.first else { return nil }
    let parts = requestLine.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2 else { return nil }
    let target = parts[1]
    let question = target.firstIndex(of: UInt8(ascii: "?"))
    let path = String(decoding: target[..<(question ?? target.endIndex)], as: UTF8.self)
    let query = question.map { String(decoding: target[($0 + 1)...], as: UTF8.self) } ?? ""
    var headers: [SignableRequest.Header] = []
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
        var valueStart = colon + 1
        while valueStart < line.endIndex, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
        headers.append(
            SignableRequest.Header(
                name: String(decoding: line[..<colon], as: UTF8.self),
                value: String(decoding: line[valueStart...], as: UTF8.self)))
    }
    let body = bodyStart.map { Array(bytes[$0...]) } ?? []
    return SignableRequest(
        method: String(decoding: parts[0], as: UTF8.self), rawPath: path, rawQuery: query, headers: headers,
        payloadHash: body.isEmpty ? SigV4.emptyPayloadHash : SignableRequest.hashPayload(body))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigV4Authorization(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let request = request(from: UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    guard let authorization = try? SigV4.parseAuthorization(request: request) else { return 0 }
    _ = authorization.description
    _ = try? SigV4.canonicalRequest(for: request, signedHeaders: authorization.signedHeaders)
    _ = try? SigV4.verify(
        authorization, request: request, secretAccessKey: secretAccessKey, now: authorization.timestamp,
        expectedService: "sts")
    return 0
}

/// With `LATCHKEY_FUZZ_WRITE_SEEDS=DIR`, writes signed seed requests into DIR and exits.
@_cdecl("LLVMFuzzerInitialize")
public func initializeSigV4Authorization(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["LATCHKEY_FUZZ_WRITE_SEEDS"] else { return 0 }
    let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    let credentials = SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secretAccessKey)
    let session = SigV4Credentials(
        accessKeyID: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: secretAccessKey, sessionToken: "AQoDYXdzEJr//+/=")
    let body = "Action=GetCallerIdentity&Version=2011-06-15"
    let form = [
        SignableRequest.Header(name: "Host", value: "127.0.0.1:8080"),
        SignableRequest.Header(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
    ]
    func text(_ request: SignableRequest, body: String = "") -> String {
        let target = request.rawQuery.isEmpty ? request.rawPath : request.rawPath + "?" + request.rawQuery
        var lines = ["\(request.method) \(target) HTTP/1.1"]
        for header in request.headers { lines.append("\(header.name): \(header.value)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }
    var seeds: [(String, String)] = []
    do {
        let post = SignableRequest(
            method: "POST", rawPath: "/", headers: form, payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
        seeds.append(("header-post", text(try signer.sign(post, date: date).request, body: body)))
        let sessionSigner = SigV4Signer(credentials: session, region: "us-east-1", service: "sts")
        seeds.append(("header-session-token", text(try sessionSigner.sign(post, date: date).request, body: body)))
        let get = SignableRequest(
            method: "GET", rawPath: "/", rawQuery: "Action=GetCallerIdentity&Version=2011-06-15",
            headers: [SignableRequest.Header(name: "Host", value: "sts.amazonaws.com")])
        seeds.append(("header-get", text(try signer.sign(get, date: date).request)))
        seeds.append(("presigned-get", text(try signer.presign(get, date: date, expires: 900).request)))
        seeds.append(("presigned-session-token", text(try sessionSigner.presign(get, date: date, expires: 60).request)))
        let odd = SignableRequest(
            method: "GET", rawPath: "/a/./b/../c//d%20e", rawQuery: "b=2&a=1&a=0&c=%7E&d",
            headers: [
                SignableRequest.Header(name: "Host", value: "sts.us-east-2.amazonaws.com"),
                SignableRequest.Header(name: "X-Amz-Meta-A", value: "  one  two "),
                SignableRequest.Header(name: "x-amz-meta-a", value: "three"),
            ])
        seeds.append(("header-odd-path", text(try signer.sign(odd, date: date).request)))
    } catch {
        fatalError("signing a seed failed: \(error)")
    }
    for (name, content) in seeds {
        _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(content.utf8))
    }
    exit(0)
}

/// The executable's entry point (SwiftPM links `sigv4_authorization_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("sigv4_authorization_main")
public func sigv4_authorizationMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzSigV4Authorization)
}
