import Foundation
import HearthCore
import Hummingbird
import Synchronization

/// Rendered topic pages for visitors who are not logged in: the same for everyone, so rendered once until
/// the topic changes (`TopicChanges`) or a few seconds pass (writes from another process). Pages for members
/// carry their name, token and unread marks, and are never cached.
final class AnonymousPageCache: Sendable {
    struct Entry {
        let version: UInt64
        let storedAt: ContinuousClock.Instant
        let body: ByteBuffer
    }

    /// Long enough to absorb a burst of readers, short enough that another server's writes show soon.
    static let lifetime: Duration = .seconds(10)
    /// Enough for the busiest topics; when full it starts again rather than tracking use.
    static let capacity = 2_000
    private let entries = Mutex<[String: Entry]>([:])

    func page(_ key: String, version: UInt64) -> ByteBuffer? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.version == version,
                ContinuousClock.now - entry.storedAt < Self.lifetime
            else { return nil }
            return entry.body
        }
    }

    func store(_ body: ByteBuffer, for key: String, version: UInt64) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(version: version, storedAt: .now, body: body)
        }
    }
}
