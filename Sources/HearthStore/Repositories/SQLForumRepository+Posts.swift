import Foundation
import HearthCore
import SQLKit

/// Posts: reading them, editing, deleting and restoring.
extension SQLForumRepository {
    public func post(id: PostID) async throws -> Post? {
        try await database.read { sql in try await Self.posts(where: "p.id = \(bind: id.rawValue)", sql).first }
    }

    public func posts(ids: [PostID]) async throws -> [Post] {
        guard !ids.isEmpty else { return [] }
        let list = ids.map { String($0.rawValue) }.joined(separator: ",")
        return try await database.read { sql in
            try await Self.posts(where: "p.id IN (\(unsafeRaw: list))", sql)
        }
    }

    public func openingPosts(of topicIDs: [TopicID]) async throws -> [TopicID: Post] {
        guard !topicIDs.isEmpty else { return [:] }
        let list = topicIDs.map { String($0.rawValue) }.joined(separator: ",")
        let posts = try await database.read { sql in
            try await Self.posts(where: "p.topic_id IN (\(unsafeRaw: list)) AND p.number = 1", sql)
        }
        return Dictionary(posts.map { ($0.topicID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func posts(in topicID: TopicID, numbers: ClosedRange<Int>) async throws -> [Post] {
        try await database.read { sql in
            try await Self.posts(
                where:
                    "p.topic_id = \(bind: topicID.rawValue) AND p.number >= \(bind: numbers.lowerBound) AND p.number <= \(bind: numbers.upperBound)",
                sql)
        }
    }

    static func posts(where condition: SQLQueryString, _ sql: any SQLDatabase) async throws -> [Post] {
        let statement: SQLQueryString = """
            SELECT p.id, p.topic_id, p.number, p.content, p.quote_post_id, p.created_at, p.edited_at, \
            p.edit_count, p.deleted_at, p.moderation, a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, \
            a.role AS a_role, a.avatar_path AS a_avatar_path, a.role_badge AS a_role_badge \
            FROM posts p JOIN members a ON a.id = p.author_id
            """ + " WHERE " + condition + " ORDER BY p.topic_id, p.number"
        return try await sql.raw(statement).all().map(post)
    }

    @Sendable static func post(_ row: any SQLRow) throws -> Post {
        let (body, html) = try PostContent.unpack(row)
        return Post(
            id: PostID(try row.decode(column: "id", as: Int64.self)),
            topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
            number: try row.decode(column: "number", as: Int.self),
            author: try SQLMemberRepository.summary(row, prefix: "a_"),
            body: body, html: html,
            quotePostID: try row.decode(column: "quote_post_id", as: Int64?.self).map(PostID.init(rawValue:)),
            createdAt: try date(row, "created_at"),
            editedAt: try optionalDate(row, "edited_at"),
            editCount: try row.decode(column: "edit_count", as: Int.self),
            deletedAt: try optionalDate(row, "deleted_at"),
            moderation: PostModeration(rawValue: try row.decode(column: "moderation", as: String.self)) ?? .visible)
    }

    public func edit(
        _ postID: PostID, body: String, html: String, editorID: MemberID, basedOn: Int?, at date: Date
    ) async throws {
        // The post's row locked while it is read, so that of two edits opened at one version, the second sees the
        // first.
        let lock = database.engine.writeLock(of: "p")
        try await database.write { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT p.content, p.number, p.edit_count, t.title FROM posts p JOIN topics t ON t.id = p.topic_id \
                    WHERE p.id = \(bind: postID.rawValue)
                    """ + lock
                ).first()
            else { throw HearthError.notFound("This post does not exist.") }
            if let basedOn, try row.decode(column: "edit_count", as: Int.self) != basedOn {
                throw ForumService.editedSince
            }
            let old = try PostContent.markdown(row)
            let title =
                try row.decode(column: "number", as: Int.self) == 1
                ? try row.decode(column: "title", as: String.self) : ""
            try await search.enqueue(postID: postID.rawValue, title: title, body: body, sql)
            try await sql.insert(into: "post_revisions")
                .columns("post_id", "body", "editor_id", "replaced_at")
                .values(
                    SQLBind(postID.rawValue), SQLBind(old), SQLBind(editorID.rawValue),
                    SQLBind(date.millisecondsSince1970)
                )
                .run()
            try await sql.update("posts")
                .set("content", to: PostContent.pack(markdown: body, html: html)).set(
                    "edited_at", to: date.millisecondsSince1970
                )
                .set(SQLIdentifier("edit_count"), to: SQLRaw("edit_count + 1"))
                .where("id", .equal, postID.rawValue).run()
        }
    }

    public func revisions(of postID: PostID) async throws -> [PostRevision] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT r.post_id, r.body, r.replaced_at, a.id AS a_id, a.handle AS a_handle, \
                a.display_name AS a_display_name, a.role AS a_role \
                FROM post_revisions r JOIN members a ON a.id = r.editor_id \
                WHERE r.post_id = \(bind: postID.rawValue) ORDER BY r.id
                """
            ).all().map { row in
                PostRevision(
                    postID: postID, body: try row.decode(column: "body", as: String.self),
                    editor: try SQLMemberRepository.summary(row, prefix: "a_"),
                    replacedAt: try Self.date(row, "replaced_at"))
            }
        }
    }

    public func setDeleted(_ postID: PostID, at date: Date?, by memberID: MemberID) async throws {
        try await database.write { sql in try await Self.setDeleted(postID, at: date, by: memberID, sql) }
    }

    /// Deletes (or restores) a post inside the caller's transaction; the review queue deletes this way too.
    static func setDeleted(_ postID: PostID, at date: Date?, by memberID: MemberID, _ sql: any SQLDatabase)
        async throws
    {
        guard
            let row = try await sql.select().columns("topic_id", "number", "deleted_at", "moderation").from("posts")
                .where("id", .equal, postID.rawValue).first()
        else { throw HearthError.notFound("This post does not exist.") }
        let wasDeleted = try row.decode(column: "deleted_at", as: Int64?.self) != nil
        guard wasDeleted != (date != nil) else { return }
        let topicID = try row.decode(column: "topic_id", as: Int64.self)
        if let date {
            // Deleting a topic's first post deletes the topic: every item in it leaves the inbox.
            let wholeTopic = try row.decode(column: "number", as: Int.self) == 1
            try await SQLInboxRepository.postRemoved(postID, topic: wholeTopic ? TopicID(topicID) : nil, at: date, sql)
        }
        try await sql.update("posts")
            .set("deleted_at", to: date?.millisecondsSince1970)
            .set("deleted_by", to: date == nil ? nil : memberID.rawValue)
            .where("id", .equal, postID.rawValue).run()
        // A held post was never counted, so deleting or restoring it leaves the count alone.
        let counted = try row.decode(column: "moderation", as: String.self) != PostModeration.pending.rawValue
        var topic = sql.update("topics")
            .set(
                SQLIdentifier("post_count"),
                to: SQLRaw(counted ? (date == nil ? "post_count + 1" : "post_count - 1") : "post_count"))
        if try row.decode(column: "number", as: Int.self) == 1 {
            topic = topic.set("deleted_at", to: date?.millisecondsSince1970)
        }
        try await topic.where("id", .equal, topicID).run()
        try await refreshLastPost(of: TopicID(topicID), sql)
    }

    /// Points the topic's last activity (what lists show: who wrote last, and when) at its newest post everyone
    /// sees, after a post was deleted, restored, hidden, held or let through. Lists read these two columns and
    /// stay one indexed query; this walks the topic's posts backwards on (topic_id, number) and stops at the
    /// first live one. A topic with no live post keeps what it had.
    static func refreshLastPost(of topicID: TopicID, _ sql: any SQLDatabase) async throws {
        let live: SQLQueryString = """
            FROM posts WHERE topic_id = \(bind: topicID.rawValue) AND deleted_at IS NULL AND moderation = 'visible' \
            ORDER BY number DESC LIMIT 1
            """
        try await sql.raw(
            "UPDATE topics SET last_posted_at = COALESCE((SELECT created_at " + live + "), last_posted_at), "
                + "last_poster_id = COALESCE((SELECT author_id " + live + "), last_poster_id) "
                + "WHERE id = \(bind: topicID.rawValue)"
        ).run()
    }

    /// Counts the posts of the post's topic again (neither deleted nor held): after a moderator holds a post or
    /// lets one through, which is rare enough for a count over one topic's posts.
    static func recountPosts(topicOf postID: PostID, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE topics SET post_count = (SELECT COUNT(*) FROM posts p WHERE p.topic_id = topics.id \
            AND p.deleted_at IS NULL AND p.moderation <> 'pending') \
            WHERE id = (SELECT topic_id FROM posts WHERE id = \(bind: postID.rawValue))
            """
        ).run()
    }

    // MARK: A form sent twice

    public func latestPost(by memberID: MemberID, since: Date) async throws -> Post? {
        try await database.read { sql in try await Self.latestPost(by: memberID, since: since, sql) }
    }

    static func latestPost(by memberID: MemberID, since: Date, _ sql: any SQLDatabase) async throws -> Post? {
        // One step down `posts_author` (author_id, created_at).
        try await posts(
            where: """
                p.id = (SELECT id FROM posts WHERE author_id = \(bind: memberID.rawValue) \
                AND created_at >= \(bind: since.millisecondsSince1970) ORDER BY created_at DESC LIMIT 1)
                """, sql
        ).first
    }

    /// The post the draft repeats, if it is the same form sent again (see `NewPost.sameTextSince`), with the
    /// author's writes ordered (`SQLMemberRepository.lock`).
    func sentAgain(_ post: NewPost, _ sql: any SQLDatabase) async throws -> Post? {
        guard let since = post.sameTextSince else { return nil }
        try await SQLMemberRepository.lock(post.author.id, engine: database.engine, sql)
        guard let earlier = try await Self.latestPost(by: post.author.id, since: since, sql),
            earlier.isCopy(of: post.body, quoting: post.quotePostID)
        else { return nil }
        return earlier
    }
}
