import Foundation

/// Reading the forum: topic pages, topic lists, feeds, quotes and earlier versions, each showing the viewer only
/// what they may see.
extension ForumService {
    /// A page of a topic, with what the page needs around the posts. Reading it moves the viewer's read
    /// position.
    public func topicPage(_ viewer: Viewer?, topic topicID: TopicID, page requested: Int = 1) async throws
        -> TopicPage
    {
        let topic = try await visibleTopic(topicID, for: viewer)
        let category = try await category(id: topic.categoryID)
        let pageCount = max(1, (topic.highestNumber + Self.postsPerPage - 1) / Self.postsPerPage)
        let page = min(max(1, requested), pageCount)
        let first = (page - 1) * Self.postsPerPage + 1
        let powers = powers(viewer, in: topic.categoryID)
        let seer = PostVisibility.Viewer(memberID: viewer?.member.id, seesRemoved: powers.seeRemoved)
        let stored = try await forum.posts(in: topicID, numbers: first...(first + Self.postsPerPage - 1))
        let posts = stored.compactMap { Self.seen($0, in: topic, by: seer) }
        let quotedIDs = posts.compactMap(\.quotePostID)
        var quotes: [PostID: QuotedPost] = [:]
        for quoted in try await forum.posts(ids: quotedIDs) {
            guard let quotedTopic = quoted.topicID == topic.id ? topic : try await forum.topic(id: quoted.topicID),
                PostVisibility.of(quoted, in: quotedTopic, for: seer).isShown, !quoted.isDeleted
            else { continue }
            quotes[quoted.id] = QuotedPost(
                postID: quoted.id, topicID: quoted.topicID, number: quoted.number, author: quoted.author,
                excerpt: cooker.excerpt(quoted.body, maximumLength: Self.excerptLength))
        }
        // Reactions only on posts shown whole: a placeholder has none, on every surface.
        let reactions = try await forum.reactions(
            on: posts.filter { PostVisibility.of($0, in: topic, for: seer).isShown }.map(\.id),
            viewer: viewer?.member.id)
        if let reader = viewer?.member.id, let last = posts.last,
            !readMarks.covers(topicID, upTo: last.number, by: reader)
        {
            try await forum.markRead(topicID, upTo: last.number, by: reader)
            readMarks.record(topicID, upTo: last.number, by: reader)
        }
        let date = now()
        let canPost = policy.decide(viewer, .post, on: .category(topic.categoryID.rawValue), at: date).isAllowed
        var topicPage = TopicPage(
            topic: topic, category: category, posts: posts, quotes: quotes, reactions: reactions, page: page,
            pageCount: pageCount, viewerID: viewer?.member.id, powers: powers,
            canReply: canPost && (!topic.isClosed || powers.close) && topic.deletedAt == nil)
        topicPage.activeSlowMode = topic.slowMode.flatMap { $0.isActive(at: date) ? $0 : nil }
        if powers.readTriage { topicPage.readings = try await forum.readings(of: posts.map(\.id)) }
        return topicPage
    }

    /// Topics by latest activity, overall or in one category, with the viewer's unread counts.
    public func topicList(
        _ viewer: Viewer?, category: CategoryID? = nil, author: MemberID? = nil, after cursor: TopicCursor? = nil,
        limit: Int = 30
    ) async throws -> TopicList {
        let limit = min(max(limit, 1), 100)
        let staff = may(viewer, .seeRemoved, in: category)
        let hidden = try await unreadableCategories(for: viewer)
        if let category, hidden.contains(category) { throw HearthError.notFound("There is no such category.") }
        var query = TopicQuery(
            categoryID: category, authorID: author, after: cursor, limit: limit + 1, includeDeleted: staff,
            pinnedFirst: category != nil)
        query.excludedCategories = category == nil ? hidden : []
        let topics = try await forum.topics(query)
        let shown = Array(topics.prefix(limit))
        var unread: [TopicID: Int] = [:]
        if let reader = viewer?.member.id {
            let positions = try await forum.readPositions(of: reader, in: shown.map(\.id))
            for topic in shown {
                unread[topic.id] = positions[topic.id].map { max(0, topic.highestNumber - $0) }
            }
        }
        let next = topics.count > limit ? shown.last.map { TopicCursor(after: $0, pinnedFirst: category != nil) } : nil
        return TopicList(topics: shown, unread: unread, next: next)
    }

    /// The newest topics anyone may read, with their opening posts, for feeds.
    public func feed(category: CategoryID? = nil, limit: Int = 30) async throws -> [(Topic, Post)] {
        let list = try await topicList(nil, category: category, limit: limit)
        let openings = try await forum.openingPosts(of: list.topics.map(\.id))
        return list.topics.compactMap { topic in
            openings[topic.id].flatMap { PostVisibility.isPublic($0, in: topic) ? (topic, $0) : nil }
        }
    }

    /// The post as `viewer` may see it: itself, a placeholder without its text, or nil when they may not know it.
    static func seen(_ post: Post, in topic: Topic, by viewer: PostVisibility.Viewer) -> Post? {
        switch PostVisibility.of(post, in: topic, for: viewer) {
        case .shown:
            return post
        case .placeholder:
            var placeholder = post
            placeholder.body = ""
            placeholder.html = ""
            return placeholder
        case .absent:
            return nil
        }
    }

    public func revisions(_ viewer: Viewer?, post postID: PostID) async throws -> [PostRevision] {
        let (post, topic) = try await visiblePost(postID, for: viewer)
        guard
            PostVisibility.mayReadRevisions(
                of: post, memberID: viewer?.member.id, seesRemoved: may(viewer, .seeRemoved, in: topic.categoryID))
        else {
            throw HearthError.forbidden("Only the author and staff can see earlier versions of a post.")
        }
        return try await forum.revisions(of: postID)
    }

    /// A post as a reply quoting it shows it, or nil when it is gone or hidden from the viewer.
    public func quote(_ viewer: Viewer?, of postID: PostID) async throws -> QuotedPost? {
        guard let (post, topic) = try? await visiblePost(postID, for: viewer), !post.isDeleted,
            PostVisibility.of(post, in: topic, for: visibilityViewer(viewer, in: topic.categoryID)).isShown
        else { return nil }
        return QuotedPost(
            postID: post.id, topicID: post.topicID, number: post.number, author: post.author,
            excerpt: cooker.excerpt(post.body, maximumLength: Self.excerptLength))
    }

    /// One post, when the viewer may see it whole; not found otherwise.
    public func post(_ viewer: Viewer?, id postID: PostID) async throws -> Post {
        try await visiblePost(postID, for: viewer).0
    }

    /// What the engine read in a post, for those who may see it; nil otherwise or when it was not read yet.
    public func reading(_ viewer: Viewer?, of postID: PostID) async throws -> PostReading? {
        let (_, topic) = try await visiblePost(postID, for: viewer)
        guard may(viewer, .readTriage, in: topic.categoryID) else { return nil }
        return try await forum.readings(of: [postID])[postID]
    }

    /// One post with its topic and what the viewer may do there.
    public func postInContext(_ viewer: Viewer?, id postID: PostID) async throws -> (Post, Topic, TopicPowers) {
        let (post, topic) = try await visiblePost(postID, for: viewer)
        return (post, topic, powers(viewer, in: topic.categoryID))
    }

    /// What the viewer may do to the posts and the topic in a category, for the pages to offer.
    public func powers(_ viewer: Viewer?, in categoryID: CategoryID) -> TopicPowers {
        TopicPowers(
            seeRemoved: may(viewer, .seeRemoved, in: categoryID),
            editOthers: may(viewer, .editOthersPosts, in: categoryID),
            deleteOthers: may(viewer, .deleteOthersPosts, in: categoryID),
            pin: may(viewer, .pinTopic, in: categoryID), close: may(viewer, .closeTopic, in: categoryID),
            hide: may(viewer, .hidePost, in: categoryID), approve: may(viewer, .approvePost, in: categoryID),
            flag: may(viewer, .flag, in: categoryID), slowMode: may(viewer, .setSlowMode, in: categoryID),
            remindRules: may(viewer, .remindRules, in: categoryID),
            readTriage: may(viewer, .readTriage, in: categoryID),
            markFeedback: may(viewer, .manageFeedback, in: categoryID)
        )
    }
}
