/// The `Credential` value: `accessKeyID/date/region/service/terminator`.
enum Credential {
    private static let maximumAccessKeyLength = 128
    private static let maximumScopePartLength = 64

    static func parse(_ value: ArraySlice<UInt8>) throws(SigV4Error) -> (accessKeyID: String, scope: SigV4Scope) {
        var parts: [Range<Int>] = []
        parts.reserveCapacity(5)
        var start = value.startIndex
        for index in value.indices where value[index] == UInt8(ascii: "/") {
            guard parts.count < 4 else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
            parts.append(start..<index)
            start = index + 1
        }
        parts.append(start..<value.endIndex)
        guard parts.count == 5 else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
        let accessKey = value[parts[0]]
        let date = value[parts[1]]
        let region = value[parts[2]]
        let service = value[parts[3]]
        let terminator = value[parts[4]]
        guard (1...maximumAccessKeyLength).contains(accessKey.count),
            accessKey.allSatisfy(isAccessKeyByte),
            date.count == 8,
            (1...maximumScopePartLength).contains(region.count), region.allSatisfy(isScopeNameByte),
            (1...maximumScopePartLength).contains(service.count), service.allSatisfy(isScopeNameByte),
            (1...maximumScopePartLength).contains(terminator.count), terminator.allSatisfy(isVisibleByte)
        else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
        let dateText = String(decoding: date, as: UTF8.self)
        guard AmzTimestamp.isValidDate(dateText) else {
            throw SigV4Error.incomplete(SigV4Error.invalidCredentialText)
        }
        let scope = SigV4Scope(
            date: dateText,
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

    static func parse(_ value: ArraySlice<UInt8>) throws(SigV4Error) -> [String] {
        var names: [String] = []
        names.reserveCapacity(8)
        var previous: ArraySlice<UInt8> = []
        var start = value.startIndex
        for index in value.startIndex...value.endIndex where index == value.endIndex || value[index] == 0x3B {
            let part = value[start..<index]
            start = index + 1
            guard names.count < SigV4.maximumSignedHeaders else {
                throw SigV4Error.incomplete(
                    "SignedHeaders must list at most \(SigV4.maximumSignedHeaders) header names.")
            }
            guard (1...maximumNameLength).contains(part.count), part.allSatisfy(isLowercaseTokenByte),
                names.isEmpty || previous.lexicographicallyPrecedes(part)
            else { throw SigV4Error.incomplete(invalidText) }
            previous = part
            names.append(String(decoding: part, as: UTF8.self))
        }
        return names
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
