import Foundation
import HearthCore
import Hummingbird
import Synchronization

/// Rendered topic pages and topic lists for visitors who are not logged in: the same for everyone, so rendered
/// once until the topic (or, for a list, any topic) changes (`TopicChanges`) or a few seconds pass (writes from
/// another process). Pages for members
/// carry their name, token and unread marks, and are never cached.
final class AnonymousPageCache: Sendable {
    struct Entry {
        let version: UInt64
        let storedAt: ContinuousClock.Instant
        let body: ByteBuffer
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    /// Long enough to absorb a burst of readers, short enough that another server's writes show soon.
    static let lifetime: Duration = .seconds(10)
    private let budgetBytes: Int
    private let state = Mutex(State())

    /// - Parameter budgetBytes: the most page bytes held. When a page would not fit, expired pages are dropped,
    ///   and if that is not enough everything is, rather than tracking use: a crawler walking every topic once
    ///   must not grow the server. 2 MiB is about a hundred topic pages: the hot ones a shared link brings.
    init(budgetBytes: Int = 2 << 20) {
        self.budgetBytes = budgetBytes
    }

    func page(_ key: String, version: UInt64) -> ByteBuffer? {
        state.withLock { state in
            guard let entry = state.entries[key], entry.version == version,
                ContinuousClock.now - entry.storedAt < Self.lifetime
            else { return nil }
            return entry.body
        }
    }

    func store(_ body: ByteBuffer, for key: String, version: UInt64) {
        let size = body.readableBytes
        guard size <= budgetBytes else { return }
        state.withLock { state in
            if let replaced = state.entries.removeValue(forKey: key) { state.bytes -= replaced.body.readableBytes }
            if state.bytes + size > budgetBytes {
                let now = ContinuousClock.now
                state.entries = state.entries.filter { now - $0.value.storedAt < Self.lifetime }
                state.bytes = state.entries.values.reduce(0) { $0 + $1.body.readableBytes }
                if state.bytes + size > budgetBytes {
                    state.entries.removeAll(keepingCapacity: true)
                    state.bytes = 0
                }
            }
            state.entries[key] = Entry(version: version, storedAt: .now, body: body)
            state.bytes += size
        }
    }

    /// Bytes of pages held, for tests.
    var heldBytes: Int { state.withLock { $0.bytes } }
}
