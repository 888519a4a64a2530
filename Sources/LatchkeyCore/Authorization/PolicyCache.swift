public import CoreMetrics
public import LatchkeyModel
public import LatchkeyPolicy
import Synchronization

/// Parsed policy documents by kind and text, so no request parses JSON twice: trust policies, identity policies
/// and session policies are parsed on first use and then served from memory. A changed policy has a new text and
/// so a new entry; bounded, cleared wholesale when full.
public final class PolicyCache: Sendable {
    /// What a parsed document depends on. A struct rather than one string joining the parts: looking a document up
    /// copies no policy text.
    private struct Key: Hashable, Sendable {
        let kind: PolicyKind
        let maxCharacters: Int
        let text: String
    }

    private let entries = Mutex<[Key: PolicyDocument]>([:])
    private let capacity: Int
    /// Hits and misses (`policy_documents`); nil without a metrics factory.
    private let counters: CacheCounters?

    /// - Parameter metrics: where hits and misses are counted (``CacheCounters``); nil counts nothing.
    public init(capacity: Int = 100_000, metrics: (any MetricsFactory)? = nil) {
        self.capacity = capacity
        self.counters = CacheCounters.make(cache: "policy_documents", factory: metrics)
    }

    /// Limits for documents already accepted and stored (inline policies may be up to 10,240 characters, managed
    /// ones 6,144 without white space): their size was checked when they were written.
    public static let storedDocument = PolicyLimits(
        maxCharacters: PolicyLimits.absoluteMaxCharacters, countsWhitespace: false, quotaName: "PolicySize")

    /// The parsed document, from the cache or parsed now.
    /// - Parameter limits: size limits; nil for the kind's defaults (`PolicyLimits.defaults(for:)`).
    /// - Throws: `MalformedPolicyDocument` (or the size error) with the parser's message.
    public func document(_ text: String, kind: PolicyKind, limits: PolicyLimits? = nil) throws(STSError)
        -> PolicyDocument
    {
        let key = Key(kind: kind, maxCharacters: limits?.maxCharacters ?? 0, text: text)
        if let cached = entries.withLock({ $0[key] }) {
            counters?.hit()
            return cached
        }
        counters?.miss()
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(text, kind: kind, limits: limits)
        } catch {
            throw error.stsError
        }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = document
        }
        return document
    }
}
