import LatchkeyBase

/// The condition keys of a request and their values (the "request context").
///
/// Keys are case-insensitive ("Key names are case-insensitive", IAM policy variables page): they are stored
/// lowercased, and values given under spellings that differ only in case are joined. A key is multi-valued when it
/// has several values. A key with no values is absent.
///
/// The keys every request carries (``WellKnownKey``: `aws:CurrentTime`, `aws:PrincipalArn`, `aws:userid`, …) live
/// in a small table indexed by the key, the rest (tags, service keys) in a dictionary. Parsed policies resolve their
/// condition keys to the table once (``KeyReference``), so looking up a well-known key hashes nothing; times are
/// kept as seconds and formatted only when a policy reads them. Measured with a throw-away malloc-counting harness
/// (the 14 keys of a long-term user's AssumeRole, one of them a principal tag; release build): 16 mallocs per
/// context with string keys, 5 with the typed setters.
public struct ConditionContext: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The condition keys that the authorizer sets on (nearly) every request, stored without hashing.
    public enum WellKnownKey: Int, CaseIterable, Sendable {
        case currentTime, epochTime, secureTransport, sourceIp, userAgent, requestedRegion
        case principalArn, principalAccount, principalType, userid, username
        case tokenIssueTime, multiFactorAuthPresent, multiFactorAuthAge, sourceIdentity, federatedProvider
        case tagKeys, roleSessionName, externalId, stsSourceIdentity, transitiveTagKeys

        /// The key as policies spell it, lowercased.
        public var foldedName: String {
            switch self {
            case .currentTime: "aws:currenttime"
            case .epochTime: "aws:epochtime"
            case .secureTransport: "aws:securetransport"
            case .sourceIp: "aws:sourceip"
            case .userAgent: "aws:useragent"
            case .requestedRegion: "aws:requestedregion"
            case .principalArn: "aws:principalarn"
            case .principalAccount: "aws:principalaccount"
            case .principalType: "aws:principaltype"
            case .userid: "aws:userid"
            case .username: "aws:username"
            case .tokenIssueTime: "aws:tokenissuetime"
            case .multiFactorAuthPresent: "aws:multifactorauthpresent"
            case .multiFactorAuthAge: "aws:multifactorauthage"
            case .sourceIdentity: "aws:sourceidentity"
            case .federatedProvider: "aws:federatedprovider"
            case .tagKeys: "aws:tagkeys"
            case .roleSessionName: "sts:rolesessionname"
            case .externalId: "sts:externalid"
            case .stsSourceIdentity: "sts:sourceidentity"
            case .transitiveTagKeys: "sts:transitivetagkeys"
            }
        }

        /// The well-known key spelt `folded` (already lowercased), or nil.
        public init?(folded: String) {
            guard let key = WellKnownKey.byName[folded] else { return nil }
            self = key
        }

        private static let byName: [String: WellKnownKey] = Dictionary(
            uniqueKeysWithValues: allCases.map { ($0.foldedName, $0) })
    }

    /// A condition key as a parsed policy names it: lowercased once, and resolved to the well-known table when it
    /// is one of those keys.
    struct KeyReference: Sendable, Hashable {
        let folded: String
        let wellKnown: WellKnownKey?

        init(folded: String) {
            self.folded = folded
            wellKnown = WellKnownKey(folded: folded)
        }
    }

    /// The values of one key as stored: most keys have one value; times are formatted on demand.
    enum Stored: Sendable {
        case one(String)
        case many([String])
        /// Seconds since 1970, read as an ISO 8601 timestamp (`2025-06-15T15:06:40Z`).
        case timestamp(Int64)
        /// An integer, read as its decimal text.
        case integer(Int64)
    }

    /// The values of one key, as a collection of strings that allocates nothing unless a time is formatted.
    struct Values: RandomAccessCollection {
        let stored: Stored

        var startIndex: Int { 0 }
        var endIndex: Int {
            if case .many(let values) = stored { return values.count }
            return 1
        }

        subscript(position: Int) -> String {
            switch stored {
            case .one(let value): value
            case .many(let values): values[position]
            case .timestamp(let seconds): AWSTimestamp.string(epochSeconds: seconds)
            case .integer(let value): String(value)
            }
        }

        /// The single value, nil when there are several.
        var single: String? {
            if case .many(let values) = stored { return values.count == 1 ? values[0] : nil }
            return self[0]
        }
    }

    /// Values of the well-known keys, indexed by ``WellKnownKey/rawValue``; empty until the first one is set.
    private var known: [Stored?] = []
    /// Every other key (lowercased) and its values.
    private var others: [String: [String]] = [:]

    /// An empty context (no allocation until a key is set).
    public init() {}

    /// A context holding `values`; keys are folded to lowercase and empty value lists are dropped.
    public init(_ values: [String: [String]]) {
        guard !values.isEmpty else { return }
        others.reserveCapacity(values.count)
        for (key, list) in values { append(key, list) }
    }

    /// A context from a literal such as `["aws:username": ["alice"]]`, folded as ``init(_:)`` does.
    public init(dictionaryLiteral elements: (String, [String])...) {
        for (key, list) in elements { append(key, list) }
    }

    /// The values of `key` (any case), or nil when the key is absent.
    public subscript(key: String) -> [String]? {
        values(KeyReference(folded: key.lowercased())).map(Array.init)
    }

    /// Sets `key` to `values` (replacing any earlier values); an empty list removes the key.
    public mutating func set(_ key: String, _ values: [String]) {
        let folded = key.lowercased()
        if let wellKnown = WellKnownKey(folded: folded) {
            set(wellKnown, values)
        } else {
            others[folded] = values.isEmpty ? nil : values
        }
    }

    /// Sets the well-known `key` to `values` (replacing any earlier values); an empty list removes the key.
    public mutating func set(_ key: WellKnownKey, _ values: [String]) {
        switch values.count {
        case 0: store(nil, at: key)
        case 1: store(.one(values[0]), at: key)
        default: store(.many(values), at: key)
        }
    }

    /// Sets the well-known `key` to the single `value`.
    public mutating func set(_ key: WellKnownKey, _ value: String) {
        store(.one(value), at: key)
    }

    /// Sets the well-known `key` to the ISO 8601 timestamp of `epochSeconds`, formatted only if a policy reads it.
    public mutating func set(_ key: WellKnownKey, timestamp epochSeconds: Int64) {
        store(.timestamp(epochSeconds), at: key)
    }

    /// Sets the well-known `key` to the decimal text of `value`, formatted only if a policy reads it.
    public mutating func set(_ key: WellKnownKey, integer value: Int64) {
        store(.integer(value), at: key)
    }

    /// Sets every key of `other` to its values there, replacing the values this context had for it (as ``set(_:_:)``
    /// would, key by key).
    public mutating func merge(_ other: ConditionContext) {
        if !other.known.isEmpty {
            for key in WellKnownKey.allCases {
                if let value = other.known[key.rawValue] { store(value, at: key) }
            }
        }
        for (key, values) in other.others { self.others[key] = values }
    }

    /// The keys present, lowercased and sorted.
    public var keys: [String] {
        var keys = Array(others.keys)
        for key in WellKnownKey.allCases where stored(key) != nil { keys.append(key.foldedName) }
        return keys.sorted()
    }

    public static func == (lhs: ConditionContext, rhs: ConditionContext) -> Bool {
        guard lhs.others == rhs.others else { return false }
        for key in WellKnownKey.allCases {
            let left = lhs.stored(key).map(Values.init)
            let right = rhs.stored(key).map(Values.init)
            switch (left, right) {
            case (nil, nil): continue
            case (let left?, let right?): if !left.elementsEqual(right) { return false }
            default: return false
            }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(others)
        for key in WellKnownKey.allCases {
            guard let values = stored(key).map(Values.init) else {
                hasher.combine(0)
                continue
            }
            hasher.combine(values.count)
            for value in values { hasher.combine(value) }
        }
    }

    private func stored(_ key: WellKnownKey) -> Stored? {
        known.isEmpty ? nil : known[key.rawValue]
    }

    private mutating func store(_ value: Stored?, at key: WellKnownKey) {
        if known.isEmpty {
            guard value != nil else { return }
            known = Array(repeating: nil, count: WellKnownKey.allCases.count)
        }
        known[key.rawValue] = value
    }

    private mutating func append(_ key: String, _ values: [String]) {
        guard !values.isEmpty else { return }
        let folded = key.lowercased()
        guard let wellKnown = WellKnownKey(folded: folded) else {
            others[folded, default: []].append(contentsOf: values)
            return
        }
        guard let existing = stored(wellKnown).map(Values.init) else {
            set(wellKnown, values)
            return
        }
        store(.many(Array(existing) + values), at: wellKnown)
    }

    /// The values of a key, or nil when the key is absent.
    func values(_ key: KeyReference) -> Values? {
        if let wellKnown = key.wellKnown { return stored(wellKnown).map(Values.init) }
        return others[key.folded].map { Values(stored: .many($0)) }
    }

    /// The single value of a key, as a policy variable needs it; nil when the key is absent or multi-valued
    /// (multi-valued keys cannot be used as variables).
    func variableValue(_ key: KeyReference) -> String? {
        values(key)?.single
    }
}
