public import CoreMetrics

/// A cache's hits and misses, as `latchkey_cache_hits_total` and `latchkey_cache_misses_total` with the label
/// `cache` (see docs/metrics.md). Two counters: an increment is an atomic add, no lock and no allocation. The caches
/// hold an optional one: nil (no metrics factory given) counts nothing.
public struct CacheCounters: Sendable {
    public static let hitsName = "latchkey_cache_hits_total"
    public static let missesName = "latchkey_cache_misses_total"

    let hits: Counter
    let misses: Counter

    /// The counters of the cache named `cache` (a fixed name: `access_keys`, `policy_documents`...).
    public init(cache: String, factory: any MetricsFactory) {
        hits = Counter(label: Self.hitsName, dimensions: [("cache", cache)], factory: factory)
        misses = Counter(label: Self.missesName, dimensions: [("cache", cache)], factory: factory)
    }

    /// The counters of `cache`, or nil without a factory.
    public static func make(cache: String, factory: (any MetricsFactory)?) -> CacheCounters? {
        factory.map { CacheCounters(cache: cache, factory: $0) }
    }

    func hit() { hits.increment() }
    func miss() { misses.increment() }
}
