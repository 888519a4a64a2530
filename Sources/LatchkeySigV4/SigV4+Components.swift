/// The `Credential` value: `accessKeyID/date/region/service/terminator`.
enum Credential {
    private static let maximumAccessKeyLength = 128
    private static let maximumScopePartLength = 64

    static func parse(
        _ value: UnsafeBufferPointer<UInt8>
    ) throws(SigV4Error) -> (accessKeyID: String, scope: SigV4Scope) {
        // The four `/` separators; a fifth is refused.
        var slashes = (0, 0, 0, 0)
        var found = 0
        for index in 0..<value.count where value[index] == UInt8(ascii: "/") {
            switch found {
            case 0: slashes.0 = index
            case 1: slashes.1 = index
            case 2: slashes.2 = index
            case 3: slashes.3 = index
            default: throw SigV4Error.incomplete(SigV4Error.invalidCredentialText)
            }
            found += 1
        }
        guard found == 4 else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
        let accessKey = UnsafeBufferPointer(rebasing: value[0..<slashes.0])
        let date = UnsafeBufferPointer(rebasing: value[(slashes.0 + 1)..<slashes.1])
        let region = UnsafeBufferPointer(rebasing: value[(slashes.1 + 1)..<slashes.2])
        let service = UnsafeBufferPointer(rebasing: value[(slashes.2 + 1)..<slashes.3])
        let terminator = UnsafeBufferPointer(rebasing: value[(slashes.3 + 1)...])
        guard (1...maximumAccessKeyLength).contains(accessKey.count),
            accessKey.allSatisfy(isAccessKeyByte),
            date.count == 8,
            (1...maximumScopePartLength).contains(region.count), region.allSatisfy(isScopeNameByte),
            (1...maximumScopePartLength).contains(service.count), service.allSatisfy(isScopeNameByte),
            (1...maximumScopePartLength).contains(terminator.count), terminator.allSatisfy(isVisibleByte)
        else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
        guard AmzTimestamp.isValidDate(date) else {
            throw SigV4Error.incomplete(SigV4Error.invalidCredentialText)
        }
        let scope = SigV4Scope(
            date: String(decoding: date, as: UTF8.self),
            region: String(decoding: region, as: UTF8.self),
            service: String(decoding: service, as: UTF8.self),
            terminator: String(decoding: terminator, as: UTF8.self))
        return (String(decoding: accessKey, as: UTF8.self), scope)
    }

    private static func isAccessKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private static func isScopeNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-")
    }

    private static func isVisibleByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "'") && byte != UInt8(ascii: ",")
    }
}

/// The `SignedHeaders` value: lowercase header names, sorted, unique, separated by `;`.
enum SignedHeaders {
    private static let maximumNameLength = 128

    static let invalidText =
        "SignedHeaders must be a ';'-separated list of lowercase header names in sorted order, without duplicates."

    static func parse(_ value: UnsafeBufferPointer<UInt8>) throws(SigV4Error) -> [String] {
        var names: [String] = []
        names.reserveCapacity(8)
        var previous = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == 0x3B {
            let part = UnsafeBufferPointer(rebasing: value[start..<index])
            start = index + 1
            guard names.count < SigV4.maximumSignedHeaders else {
                throw SigV4Error.incomplete(
                    "SignedHeaders must list at most \(SigV4.maximumSignedHeaders) header names.")
            }
            guard (1...maximumNameLength).contains(part.count), part.allSatisfy(isLowercaseTokenByte),
                names.isEmpty || previous.lexicographicallyPrecedes(part)
            else { throw SigV4Error.incomplete(invalidText) }
            previous = part
            names.append(commonName(part) ?? String(decoding: part, as: UTF8.self))
        }
        return names
    }

    /// Signed header names SDKs send that are too long for a small (inline) string: shared rather than allocated
    /// per request.
    private static let commonLongNames = [
        "x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id", "x-amz-user-agent",
    ]

    private static func commonName(_ part: UnsafeBufferPointer<UInt8>) -> String? {
        guard part.count >= 16 else { return nil }
        for name in commonLongNames where name.utf8.count == part.count && part.elementsEqual(name.utf8) {
            return name
        }
        return nil
    }

    /// RFC 9110 `tchar`, without uppercase letters.
    private static func isLowercaseTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
