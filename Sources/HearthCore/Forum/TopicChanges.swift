import Synchronization

/// A counter per topic, moved by every write this process makes to the topic (a reply, an edit, a deletion, a
/// reaction, a pin or a close), so that a cache of rendered pages can tell at once whether its copy is stale;
/// and one for the topic lists, moved by any of those and by a new topic. Other processes do not move them;
/// caches therefore also expire their copies after a short time.
public final class TopicChanges: Sendable {
    private struct Versions {
        var topics: [Int64: UInt64] = [:]
        var lists: UInt64 = 0
        var all: UInt64 = 0
    }

    private let versions = Mutex(Versions())

    public init() {}

    public func version(of topic: TopicID) -> UInt64 {
        versions.withLock { ($0.all << 32) &+ $0.topics[topic.rawValue, default: 0] }
    }

    /// The version of every topic list: any change to any topic moves it.
    public var listsVersion: UInt64 {
        versions.withLock { ($0.all << 32) &+ $0.lists }
    }

    func bump(_ topic: TopicID) {
        versions.withLock {
            $0.topics[topic.rawValue, default: 0] &+= 1
            $0.lists &+= 1
        }
    }

    /// A topic was started: only the lists show it yet.
    func bumpLists() {
        versions.withLock { $0.lists &+= 1 }
    }

    /// Moves every topic at once (a category's readers changed: any cached page may now be for other eyes).
    func bumpAll() {
        versions.withLock { $0.all &+= 1 }
    }
}
