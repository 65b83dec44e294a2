import Synchronization

/// A counter per topic, moved by every write this process makes to the topic (a reply, an edit, a deletion, a
/// reaction, a pin or a close), so that a cache of rendered pages can tell at once whether its copy is stale.
/// Other processes do not move it; caches therefore also expire their copies after a short time.
public final class TopicChanges: Sendable {
    private let versions = Mutex<[Int64: UInt64]>([:])

    public init() {}

    public func version(of topic: TopicID) -> UInt64 {
        versions.withLock { $0[topic.rawValue, default: 0] }
    }

    func bump(_ topic: TopicID) {
        versions.withLock { $0[topic.rawValue, default: 0] &+= 1 }
    }
}
