import Synchronization

/// A counter per topic, moved by every write this process makes to the topic (a reply, an edit, a deletion, a
/// reaction, a pin or a close), so that a cache of rendered pages can tell at once whether its copy is stale.
/// Other processes do not move it; caches therefore also expire their copies after a short time.
public final class TopicChanges: Sendable {
    private let versions = Mutex<(topics: [Int64: UInt64], all: UInt64)>(([:], 0))

    public init() {}

    public func version(of topic: TopicID) -> UInt64 {
        versions.withLock { ($0.all << 32) &+ $0.topics[topic.rawValue, default: 0] }
    }

    func bump(_ topic: TopicID) {
        versions.withLock { $0.topics[topic.rawValue, default: 0] &+= 1 }
    }

    /// Moves every topic at once (a category's readers changed: any cached page may now be for other eyes).
    func bumpAll() {
        versions.withLock { $0.all &+= 1 }
    }
}
