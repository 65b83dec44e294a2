import Synchronization

/// Rendered HTML of page parts, keyed by the complete view model that produced them, so the same post seen
/// the same way is rendered once rather than on every page view.
///
/// The key is the whole view model (plus the language its labels are in): any change a reader could see, an
/// edit, a reaction, a permission, a date, makes a new key, so nothing ever needs invalidating; stale entries
/// just stop being asked for. Memory is bounded by two generations of at most half the budget each: when the
/// young one fills, it becomes the old one and the previous old one is dropped, and a hit in the old one moves
/// the entry back to the young one. That keeps what is being read and forgets what is not, like an LRU,
/// without per-entry bookkeeping.
public final class FragmentCache<Key: Hashable & Sendable>: Sendable {
    private struct Generations {
        var young: [Key: String] = [:]
        var old: [Key: String] = [:]
        var youngBytes = 0
    }

    private let state = Mutex(Generations())
    private let generationBytes: Int

    /// - Parameter budgetBytes: the most UTF-8 the cache holds, both generations together.
    public init(budgetBytes: Int) {
        self.generationBytes = max(1, budgetBytes / 2)
    }

    /// The fragment for `key`, rendered by `render` when it is not held.
    public func fragment(_ key: Key, render: () throws -> String) rethrows -> String {
        let held: String? = state.withLock { generations in
            if let html = generations.young[key] { return html }
            guard let html = generations.old.removeValue(forKey: key) else { return nil }
            Self.insert(html, for: key, into: &generations, limit: generationBytes)
            return html
        }
        if let held { return held }
        let html = try render()
        state.withLock { Self.insert(html, for: key, into: &$0, limit: generationBytes) }
        return html
    }

    /// How many fragments are held, for tests.
    public var count: Int {
        state.withLock { $0.young.count + $0.old.count }
    }

    private static func insert(_ html: String, for key: Key, into generations: inout Generations, limit: Int) {
        let size = html.utf8.count
        // One fragment larger than a generation is rendered every time rather than flushing everything else.
        guard size <= limit else { return }
        if generations.youngBytes + size > limit {
            generations.old = generations.young
            generations.young = [:]
            generations.youngBytes = 0
        }
        if generations.young.updateValue(html, forKey: key) == nil { generations.youngBytes += size }
    }
}
