import Foundation
import LatchkeySigV4
import Testing

/// One case of the aws-c-auth SigV4 test suite, vendored under `Vectors/<name>/`.
struct VectorCase: Sendable, CustomTestStringConvertible {
    struct Context: Decodable, Sendable {
        struct Credentials: Decodable, Sendable {
            var accessKeyID: String
            var secretAccessKey: String
            var token: String?

            enum CodingKeys: String, CodingKey {
                case accessKeyID = "access_key_id"
                case secretAccessKey = "secret_access_key"
                case token
            }
        }

        var credentials: Credentials
        var expirationInSeconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var signBody: Bool
        var timestamp: String
        var omitSessionToken: Bool?

        enum CodingKeys: String, CodingKey {
            case credentials
            case expirationInSeconds = "expiration_in_seconds"
            case normalize, region, service
            case signBody = "sign_body"
            case timestamp
            case omitSessionToken = "omit_session_token"
        }
    }

    let name: String
    let directory: URL

    var testDescription: String { name }

    func text(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    func context() throws -> Context {
        try JSONDecoder().decode(Context.self, from: Data(contentsOf: directory.appendingPathComponent("context.json")))
    }

    func date() throws -> Date {
        try Date(context().timestamp, strategy: .iso8601)
    }

    func signer() throws -> SigV4Signer {
        let context = try context()
        return SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: context.credentials.accessKeyID,
                secretAccessKey: context.credentials.secretAccessKey,
                sessionToken: context.credentials.token),
            region: context.region,
            service: context.service,
            options: .init(
                normalizePath: context.normalize,
                addContentSHA256Header: context.signBody,
                omitSessionTokenFromSignature: context.omitSessionToken ?? false))
    }

    /// Signs `request.txt` in the given variant, as the vector's context says.
    func sign(_ variant: Variant) throws -> SigV4SignedRequest {
        let request = try HTTPText.parse(text("request.txt"))
        let signer = try signer()
        switch variant {
        case .header: return try signer.sign(request.request, date: date())
        case .query: return try signer.presign(request.request, date: date(), expires: context().expirationInSeconds)
        }
    }

    static let all: [VectorCase] = {
        guard let root = Bundle.module.url(forResource: "Vectors", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: root.path)
        else { return [] }
        return names.sorted().compactMap { name in
            let directory = root.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { return nil }
            return VectorCase(name: name, directory: directory)
        }
    }()
}

/// Header-signed or presigned-query variant of a vector.
enum Variant: String, Sendable, CaseIterable {
    case header
    case query
}

/// Reads and writes the suite's raw HTTP/1.1 request text.
enum HTTPText {
    struct Parsed {
        var request: SignableRequest
        var body: String
    }

    /// Parses `METHOD target HTTP/1.1`, header lines (continuation lines folded into the previous value with
    /// their newline kept) and the body after the first empty line. The target may contain spaces.
    static func parse(_ text: String) throws -> Parsed {
        var lines = text.components(separatedBy: "\n")
        guard !lines.isEmpty else { throw VectorError.malformed("empty request") }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
            firstSpace < lastSpace
        else { throw VectorError.malformed(requestLine) }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: Substring
        let query: Substring
        if let question = target.firstIndex(of: "?") {
            path = target[..<question]
            query = target[target.index(after: question)...]
        } else {
            path = target
            query = ""
        }
        var headers: [SignableRequest.Header] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody {
                bodyLines.append(line)
            } else if line.isEmpty {
                inBody = true
            } else if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else { throw VectorError.malformed(line) }
                headers[headers.count - 1].value += "\n" + line
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw VectorError.malformed(line) }
                headers.append(.init(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        let body = bodyLines.joined(separator: "\n")
        let request = SignableRequest(
            method: method, rawPath: String(path), rawQuery: String(query), headers: headers,
            payloadHash: SignableRequest.hashPayload(Data(body.utf8)))
        return Parsed(request: request, body: body)
    }

    /// Renders a request the way the suite's `*-signed-request.txt` files are written.
    static func render(_ request: SignableRequest, body: String) -> String {
        var text = "\(request.method) \(request.rawPath)"
        if !request.rawQuery.isEmpty { text += "?\(request.rawQuery)" }
        text += " HTTP/1.1\n"
        for header in request.headers { text += "\(header.name):\(header.value)\n" }
        return text + "\n" + body
    }
}

enum VectorError: Error {
    case malformed(String)
}
