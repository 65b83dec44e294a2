import Foundation

/// A member's notifications: the ones about posts they may still see whole, by the one visibility rule.
extension ForumService {
    public func notifications(_ viewer: Viewer?, before: NotificationID? = nil, limit: Int = 30) async throws
        -> [MemberNotification]
    {
        let items = try await notifications.notifications(
            of: try member(viewer).id, before: before, limit: min(max(limit, 1), 100))
        // A notification points at a post: one the reader may no longer see whole (deleted, hidden, held, in a
        // removed topic) is left out, by the same rule as everywhere else.
        let posts = Dictionary(
            try await forum.posts(ids: Array(Set(items.map(\.postID)))).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        var topics: [TopicID: Topic] = [:]
        var kept: [MemberNotification] = []
        for item in items {
            guard let post = posts[item.postID] else { continue }
            if topics[post.topicID] == nil { topics[post.topicID] = try await forum.topic(id: post.topicID) }
            guard let topic = topics[post.topicID],
                PostVisibility.of(post, in: topic, for: visibilityViewer(viewer, in: topic.categoryID)).isShown
            else { continue }
            kept.append(item)
        }
        return kept
    }

    public func unreadNotificationCount(_ viewer: Viewer?) async throws -> Int {
        guard let id = viewer?.member.id else { return 0 }
        return try await notifications.unreadCount(of: id)
    }

    public func markNotificationsRead(_ viewer: Viewer?, ids: [NotificationID]? = nil) async throws {
        try await notifications.markRead(of: try member(viewer).id, ids: ids, at: now())
    }
}
