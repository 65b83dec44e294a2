import Foundation

/// An inbox item with what a community manager reads before acting: the post, the thread around it (its topic,
/// the post it follows and the one after), and how many replies the thread has.
public struct InboxEntry: Sendable {
    public let item: InboxItem
    public let topic: Topic?
    public let post: Post?
    /// The post just before, and just after, in the thread.
    public let before: Post?
    public let after: Post?

    public init(item: InboxItem, topic: Topic?, post: Post?, before: Post?, after: Post?) {
        self.item = item
        self.topic = topic
        self.post = post
        self.before = before
        self.after = after
    }
}

extension InboxService {
    /// The items with their posts and threads, each post as the viewer may see it (see `PostVisibility`: a held or
    /// hidden post is left out for a delegate who may not see it, its reasons still said): a read of the posts by
    /// id and one of each thread's neighbours.
    public func entries(_ viewer: Viewer?, _ items: [InboxItem]) async throws -> [InboxEntry] {
        let repository = forum.forum
        let posts = Dictionary(
            try await repository.posts(ids: items.compactMap(\.postID)).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
        var topics: [TopicID: Topic] = [:]
        var entries: [InboxEntry] = []
        entries.reserveCapacity(items.count)
        for item in items {
            var topic: Topic?
            if let topicID = item.topicID {
                if topics[topicID] == nil { topics[topicID] = try await repository.topic(id: topicID) }
                topic = topics[topicID]
            }
            func shown(_ post: Post) -> Bool {
                guard let topic else { return false }
                return PostVisibility.of(post, in: topic, for: forum.visibilityViewer(viewer, in: topic.categoryID))
                    .isShown
            }
            let post = item.postID.flatMap { posts[$0] }.flatMap { shown($0) ? $0 : nil }
            var before: Post?
            var after: Post?
            if let post, let topic {
                let around = try await repository.posts(
                    in: topic.id, numbers: max(1, post.number - 1)...post.number + 1
                )
                .filter { !$0.isDeleted && $0.moderation == .visible }
                before = around.last { $0.number < post.number }
                after = around.first { $0.number > post.number }
            } else if let topic, item.kind == .heated {
                // A fire: its latest replies.
                let last = topic.highestNumber
                let latest = try await repository.posts(in: topic.id, numbers: max(1, last - 1)...last)
                    .filter { !$0.isDeleted && $0.moderation == .visible }
                before = latest.first
                after = latest.count > 1 ? latest.last : nil
            }
            entries.append(InboxEntry(item: item, topic: topic, post: post, before: before, after: after))
        }
        return entries
    }
}
