import LatchkeyBase

/// The `X-Amz-*` authentication parameters of a presigned query string, decoded.
struct PresignedQuery {
    enum Name: Int, CaseIterable {
        case algorithm, credential, signature, date, signedHeaders, expires, securityToken

        var text: String {
            switch self {
            case .algorithm: "X-Amz-Algorithm"
            case .credential: "X-Amz-Credential"
            case .signature: "X-Amz-Signature"
            case .date: "X-Amz-Date"
            case .signedHeaders: "X-Amz-SignedHeaders"
            case .expires: "X-Amz-Expires"
            case .securityToken: "X-Amz-Security-Token"
            }
        }

        static let byteNames: [[UInt8]] = allCases.map { Array($0.text.utf8) }

        init?(_ bytes: [UInt8]) {
            guard bytes.count >= 10, bytes[0] == UInt8(ascii: "X"),
                let index = Self.byteNames.firstIndex(of: bytes)
            else { return nil }
            self.init(rawValue: index)
        }
    }

    /// Empty until the first authentication parameter is seen (most requests have none).
    private(set) var values: [String?] = []
    private(set) var duplicate: Name?
    private(set) var malformed = false

    /// Scans `rawQuery` for the authentication parameters; never throws, so that a request without query
    /// authentication is not rejected here for unrelated query problems.
    init(rawQuery: String) {
        guard !rawQuery.isEmpty else { return }
        let bytes = Array(rawQuery.utf8)
        var scratch: [UInt8] = []
        QueryScanner.forEach(bytes) { key, value in
            scratch.removeAll(keepingCapacity: true)
            guard PercentEncoding.decode(bytes, key, into: &scratch), let name = Name(scratch) else { return }
            scratch.removeAll(keepingCapacity: true)
            if !PercentEncoding.decode(bytes, value, into: &scratch) {
                // Still recorded as present, so the request is rejected rather than treated as unauthenticated.
                malformed = true
                scratch.removeAll()
            }
            if values.isEmpty { values = Array(repeating: nil, count: Name.allCases.count) }
            if values[name.rawValue] != nil {
                if duplicate == nil { duplicate = name }
                return
            }
            values[name.rawValue] = String(decoding: scratch, as: UTF8.self)
        }
    }

    subscript(_ name: Name) -> String? { values.isEmpty ? nil : values[name.rawValue] }

    /// Whether the query carries `X-Amz-Algorithm`, `X-Amz-Credential` or `X-Amz-Signature`.
    var hasAuthentication: Bool {
        self[.algorithm] != nil || self[.credential] != nil || self[.signature] != nil
    }

    func authorization() throws(SigV4Error) -> SigV4Authorization {
        if malformed { throw SigV4Error.malformedQuery }
        if let duplicate {
            throw SigV4Error.incomplete("Query-string parameter '\(duplicate.text)' must appear only once.")
        }
        guard let algorithm = self[.algorithm], let credential = self[.credential], let signature = self[.signature],
            let date = self[.date], let signedHeaderList = self[.signedHeaders]
        else { throw SigV4Error.incomplete(SigV4Error.queryParametersText) }
        guard algorithm == SigV4.algorithm else { throw SigV4Error.unsupportedAlgorithm(algorithm) }
        let (accessKeyID, scope) = try Credential.parse(Array(credential.utf8)[...])
        let signedHeaders = try SignedHeaders.parse(Array(signedHeaderList.utf8)[...])
        guard let seconds = AmzTimestamp.parse(date) else { throw SigV4Error.badDateFormat(date) }
        var expires = SigV4.maximumSkewSeconds
        if let text = self[.expires] {
            guard (1...7).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(text)
            else { throw SigV4Error.incomplete("X-Amz-Expires should be a number") }
            expires = value
        }
        guard Hex.isLowercaseHex(signature, count: 64) else { throw SigV4Error.signatureDoesNotMatch }
        return SigV4Authorization(
            accessKeyID: accessKeyID, scope: scope, signedHeaders: signedHeaders, signature: signature,
            seconds: seconds, timestampText: date, form: .presigned(expiresSeconds: expires),
            securityToken: self[.securityToken])
    }
}
