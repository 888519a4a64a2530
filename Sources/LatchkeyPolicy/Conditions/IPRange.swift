/// An IPv4 or IPv6 address range in CIDR notation for `IpAddress` and `NotIpAddress` (`203.0.113.0/24`,
/// `2001:DB8:1234:5678::/64`). An address without a prefix is a single address (/32 or /128). Host bits set
/// beyond the prefix are ignored. An IPv4-mapped IPv6 address (`::ffff:203.0.113.9`) is treated as IPv4.
struct IPRange: Sendable, Hashable {
    /// 4 or 16 bytes, network order.
    let address: [UInt8]
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, var address = IPRange.parseAddress(first) else { return nil }
        var prefix = address.count * 8
        if parts.count == 2 {
            guard let value = IPRange.parseDecimal(parts[1]), value <= prefix else { return nil }
            prefix = value
        }
        if address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF,
            prefix >= 96
        {
            address = Array(address[12...])
            prefix -= 96
        }
        self.address = address
        self.prefixLength = prefix
    }

    /// Whether every address of `other` lies in this range (same family, at least as long a prefix, same bits).
    func contains(_ other: IPRange) -> Bool {
        guard address.count == other.address.count, other.prefixLength >= prefixLength else { return false }
        var remaining = prefixLength
        var index = 0
        while remaining > 0 {
            let bits = min(remaining, 8)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address[index] & mask != other.address[index] & mask { return false }
            remaining -= bits
            index += 1
        }
        return true
    }

    private static func parseDecimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 3, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func parseAddress(_ text: Substring) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        return parseIPv4(text)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = parseDecimal(part), value <= 255, part.count == 1 || part.first != "0" else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.count <= 45 else { return nil }
        var head: [UInt8] = []
        var tail: [UInt8] = []
        let halves = splitAtDoubleColon(text)
        guard let halves else { return nil }
        guard let first = parseGroups(halves.head, allowIPv4: halves.tail == nil) else { return nil }
        head = first
        if let rest = halves.tail {
            guard let second = parseGroups(rest, allowIPv4: true) else { return nil }
            tail = second
            guard head.count + tail.count <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
        }
        return head.count == 16 ? head : nil
    }

    /// Splits at the one `::`, if any; nil when there are two.
    private static func splitAtDoubleColon(_ text: Substring) -> (head: Substring, tail: Substring?)? {
        let bytes = Array(text.utf8)
        var found: Int?
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: ":") {
                guard found == nil else { return nil }
                found = index
                index += 2
                continue
            }
            index += 1
        }
        guard let found else { return (text, nil) }
        let head = String(decoding: bytes[..<found], as: UTF8.self)
        let tail = String(decoding: bytes[(found + 2)...], as: UTF8.self)
        return (Substring(head), Substring(tail))
    }

    /// Colon-separated hex groups (possibly empty text), optionally ending with a dotted IPv4 address.
    private static func parseGroups(_ text: Substring, allowIPv4: Bool) -> [UInt8]? {
        guard !text.isEmpty else { return [] }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, allowIPv4, group.contains(".") {
                guard let v4 = parseIPv4(group) else { return nil }
                bytes += v4
                continue
            }
            guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
            bytes.append(UInt8(value >> 8))
            bytes.append(UInt8(value & 0xFF))
        }
        return bytes
    }
}
