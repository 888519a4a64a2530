public import LatchkeyModel
public import LatchkeyPolicy
import Synchronization

/// Parsed policy documents by kind and text, so no request parses JSON twice: trust policies, identity policies
/// and session policies are parsed on first use and then served from memory. A changed policy has a new text and
/// so a new entry; bounded, cleared wholesale when full.
public final class PolicyCache: Sendable {
    private let entries = Mutex<[String: PolicyDocument]>([:])
    private let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// The parsed document, from the cache or parsed now.
    /// - Throws: `MalformedPolicyDocument` with the parser's message.
    public func document(_ text: String, kind: PolicyKind) throws(STSError) -> PolicyDocument {
        let key = "\(kind.rawValue)\u{0}\(text)"
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(text, kind: kind)
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
