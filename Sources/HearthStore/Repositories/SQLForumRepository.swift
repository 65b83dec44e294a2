import Foundation
import HearthCore
import SQLKit

/// Categories, topics, posts, revisions, reactions and read positions. Topic and post rows are read with
/// their authors joined in, so a topic page costs two queries whatever its length.
public struct SQLForumRepository: ForumRepository {
    let database: HearthDatabase
    let search: any SearchIndex

    public init(database: HearthDatabase) {
        self.database = database
        self.search = database.engine.searchIndex
    }

    // MARK: Categories

    static let categoryColumns = [
        "id", "slug", "name", "description", "position", "start_policy", "kind", "archived_at", "read_policy",
    ]

    /// Names are compared whole, ignoring only case: "Général" and "General" are two categories, and the second
    /// gets its own address ("general-2") since both fold to the same one.
    public func createCategory(_ category: NewCategory) async throws -> Category {
        do {
            return try await database.write { sql in
                let existing = try await sql.select().columns("slug", "name").from("categories").all()
                let name = category.name.lowercased()
                var slugs: Set<String> = []
                for row in existing {
                    guard try row.decode(column: "name", as: String.self).lowercased() != name else {
                        throw HearthError.conflict("A category with this name already exists.")
                    }
                    slugs.insert(try row.decode(column: "slug", as: String.self))
                }
                var slug = category.slug
                var suffix = 2
                while slugs.contains(slug) {
                    slug = "\(category.slug)-\(suffix)"
                    suffix += 1
                }
                let last: Int? =
                    try await sql.select().column(SQLFunction("MAX", args: SQLColumn("position")), as: "p")
                    .from("categories").first(decodingColumn: "p", as: Int?.self) ?? nil
                let position = (last ?? 0) + 1
                let id = try await sql.insert(into: "categories")
                    .columns("slug", "name", "description", "position", "start_policy", "kind")
                    .values(
                        SQLBind(slug), SQLBind(category.name), SQLBind(category.description),
                        SQLBind(position), SQLBind(category.startPolicy.rawValue), SQLBind(category.kind.rawValue)
                    )
                    .returning("id").first(decodingColumn: "id", as: Int64.self)
                guard let id else { throw HearthError.unavailable("The category could not be saved.") }
                return Category(
                    id: CategoryID(id), slug: slug, name: category.name, description: category.description,
                    position: position, startPolicy: category.startPolicy, kind: category.kind)
            }
        } catch  where HearthDatabase.isUniqueViolation(error) {
            // Another category took the same address between our read and our insert (PostgreSQL).
            throw HearthError.conflict("A category with this name already exists.")
        }
    }

    public func categories() async throws -> [Category] {
        try await database.read { sql in
            try await sql.select().columns(Self.categoryColumns).from("categories").orderBy("position").all()
                .map(Self.category)
        }
    }

    public func category(id: CategoryID) async throws -> Category? {
        try await database.read { sql in
            try await sql.select().columns(Self.categoryColumns).from("categories")
                .where("id", .equal, id.rawValue).first().map(Self.category)
        }
    }

    public func category(slug: String) async throws -> Category? {
        try await database.read { sql in
            try await sql.select().columns(Self.categoryColumns).from("categories")
                .where("slug", .equal, slug).first().map(Self.category)
        }
    }

    @Sendable static func category(_ row: any SQLRow) throws -> Category {
        guard let policy = Category.StartPolicy(rawValue: try row.decode(column: "start_policy", as: String.self)),
            let kind = Category.Kind(rawValue: try row.decode(column: "kind", as: String.self))
        else {
            throw HearthError.unavailable("A category record is damaged.")
        }
        return Category(
            id: CategoryID(try row.decode(column: "id", as: Int64.self)),
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            position: try row.decode(column: "position", as: Int.self), startPolicy: policy, kind: kind,
            archivedAt: try row.decode(column: "archived_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            readPolicy: Category.ReadPolicy(rawValue: try row.decode(column: "read_policy", as: String.self)) ?? .staff)
    }

    // MARK: Topics

    public func createTopic(categoryID: CategoryID, title: String, firstPost: NewPost) async throws -> (Topic, Post) {
        try await database.write { sql in
            if let earlier = try await sentAgain(firstPost, sql), earlier.number == 1,
                let topic = try await Self.topic(earlier.topicID, sql), topic.categoryID == categoryID,
                topic.title == title
            {
                return (topic, earlier)
            }
            let at = firstPost.createdAt.millisecondsSince1970
            let topicID = try await sql.insert(into: "topics")
                .columns(
                    "category_id", "author_id", "title", "created_at", "last_posted_at", "last_poster_id",
                    "post_count", "highest_number"
                )
                .values(
                    SQLBind(categoryID.rawValue), SQLBind(firstPost.author.id.rawValue), SQLBind(title), SQLBind(at),
                    SQLBind(at), SQLBind(firstPost.author.id.rawValue), SQLBind(1), SQLBind(1)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
            guard let topicID else { throw HearthError.unavailable("The topic could not be saved.") }
            let post = try await Self.insertPost(firstPost, topic: TopicID(topicID), number: 1, sql)
            if firstPost.moderation == .pending {
                try await sql.update("topics").set("held_at", to: at).where("id", .equal, topicID).run()
            }
            try await search.enqueue(postID: post.id.rawValue, title: title, body: post.body, sql)
            if firstPost.moderation == .visible {
                try await Self.announceIfAnnouncement(
                    topicID, category: categoryID, title: title, body: firstPost.body, at: firstPost.createdAt, sql)
            }
            guard let topic = try await Self.topic(TopicID(topicID), sql) else {
                throw HearthError.unavailable("The topic could not be saved.")
            }
            return (topic, post)
        }
    }

    /// A topic started in an announcements category goes out to the community's other channels: its job is queued
    /// with the topic (the outbox), and fans it out after commit.
    static func announceIfAnnouncement(
        _ topicID: Int64, category: CategoryID, title: String, body: String, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        // Only what everyone may read goes out: a staff-only announcements category stays inside.
        let row = try await sql.raw(
            "SELECT kind, read_policy FROM categories WHERE id = \(bind: category.rawValue)"
        ).first()
        guard try row?.decode(column: "kind", as: String.self) == Category.Kind.announcements.rawValue,
            try row?.decode(column: "read_policy", as: String.self) == "everyone"
        else { return }
        let excerpt = body.count > 280 ? String(body.prefix(279)) + "…" : body
        try await SQLJobQueue.enqueue(
            try NewJob(
                kind: .announce, AnnounceJob(topicID: topicID, title: title, excerpt: excerpt), runAt: date,
                key: "announce:\(topicID)"),
            at: date, sql)
    }

    public func addPost(to topicID: TopicID, _ post: NewPost, heat: HeatRules?) async throws -> Post {
        try await database.write { sql in
            if let earlier = try await sentAgain(post, sql), earlier.topicID == topicID { return earlier }
            // One UPDATE both numbers the post and moves the topic: on PostgreSQL its row lock orders
            // concurrent replies, on SQLite the single writer does.
            // Replies are the hottest write: its statements are plain SQL, not builders serialised each time.
            // A held reply takes its number but neither moves the topic's last activity nor counts as a reply, which
            // lists show everyone; it counts when a moderator lets it through (`recountPosts`).
            let statement: SQLQueryString =
                post.moderation == .visible
                ? """
                UPDATE topics SET highest_number = highest_number + 1, post_count = post_count + 1, \
                last_posted_at = \(bind: post.createdAt.millisecondsSince1970), \
                last_poster_id = \(bind: post.author.id.rawValue) \
                WHERE id = \(bind: topicID.rawValue) RETURNING highest_number
                """
                : """
                UPDATE topics SET highest_number = highest_number + 1 \
                WHERE id = \(bind: topicID.rawValue) RETURNING highest_number
                """
            let number = try await sql.raw(statement).first(decodingColumn: "highest_number", as: Int.self)
            guard let number else { throw HearthError.notFound("This topic does not exist or was removed.") }
            let saved = try await Self.insertPost(post, topic: topicID, number: number, sql)
            try await search.enqueue(postID: saved.id.rawValue, title: "", body: saved.body, sql)
            if post.moderation == .visible, post.answers {
                try await SQLInboxRepository.answer(in: topicID, by: post.author, at: post.createdAt, sql)
            }
            if let heat {
                try await Self.heat(
                    topicID, post: saved.id,
                    HeatEvent(.reply(author: post.author.id, toxicity: post.reading?.toxicity), at: post.createdAt),
                    rules: heat, sql)
            }
            return saved
        }
    }

    /// Inserts the post and moves its author's read position to it: whoever writes a post has read the topic
    /// that far. The saved post is built from what was written rather than read back.
    private static func insertPost(_ post: NewPost, topic: TopicID, number: Int, _ sql: any SQLDatabase) async throws
        -> Post
    {
        let id = try await sql.raw(
            """
            INSERT INTO posts (topic_id, number, author_id, content, quote_post_id, created_at, edit_count, \
            moderation) VALUES (\(bind: topic.rawValue), \(bind: number), \(bind: post.author.id.rawValue), \
            \(bind: PostContent.pack(markdown: post.body, html: post.html)), \(bind: post.quotePostID?.rawValue), \
            \(bind: post.createdAt.millisecondsSince1970), 0, \(bind: post.moderation.rawValue)) RETURNING id
            """
        ).first(decodingColumn: "id", as: Int64.self)
        guard let id else { throw HearthError.unavailable("The post could not be saved.") }
        if let reading = post.reading { try await saveReading(PostID(id), reading, sql) }
        // Before the review items, which add their reasons to the post's inbox item.
        if let draft = post.inbox {
            try await SQLInboxRepository.add(
                draft, post: PostID(id), topic: topic, author: post.author.id, at: post.createdAt, sql)
        }
        try await markRead(topic, upTo: number, by: post.author.id, sql)
        try await SQLNotificationRepository.insert(
            post.recipients.map {
                NewNotification(
                    memberID: $0.memberID, kind: $0.kind, actorID: post.author.id, topicID: topic, postID: PostID(id),
                    createdAt: post.createdAt)
            }, sql)
        for var item in post.reviewItems {
            item.postID = PostID(id)
            try await SQLModerationRepository.open(item, held: item.kind == .heldPost, at: post.createdAt, sql)
        }
        return Post(
            id: PostID(id), topicID: topic, number: number, author: post.author, body: post.body, html: post.html,
            quotePostID: post.quotePostID, createdAt: Date(millisecondsSince1970: post.createdAt.millisecondsSince1970),
            editedAt: nil, editCount: 0, deletedAt: nil, moderation: post.moderation)
    }

    public func topic(id: TopicID) async throws -> Topic? {
        try await database.read { sql in try await Self.topic(id, sql) }
    }

    static func topic(_ id: TopicID, _ sql: any SQLDatabase) async throws -> Topic? {
        try await sql.raw(topicSelect + " WHERE t.id = \(bind: id.rawValue)").first().map(topic)
    }

    public func topics(_ query: TopicQuery) async throws -> [Topic] {
        var conditions: [SQLQueryString] = []
        if let category = query.categoryID {
            conditions.append("t.category_id = \(bind: category.rawValue)")
        } else {
            // Blog comment topics live on their articles, not in the forum's lists.
            conditions.append("t.category_id NOT IN (SELECT id FROM categories WHERE kind = 'comments')")
        }
        if let author = query.authorID { conditions.append("t.author_id = \(bind: author.rawValue)") }
        if !query.excludedCategories.isEmpty {
            let ids = query.excludedCategories.map { String($0.rawValue) }.joined(separator: ",")
            conditions.append("t.category_id NOT IN (\(unsafeRaw: ids))")
        }
        if !query.includeDeleted { conditions.append(PublicPosts.topicCondition) }
        guard query.pinnedFirst else {
            let page = Self.topicPage(conditions, after: query.after, limit: query.limit)
            return try await database.read { sql in try await sql.raw(page).all().map(Self.topic) }
        }
        // Pinned topics first, then the rest, as two index ranges: one ORDER BY on "is pinned" too made SQLite sort
        // a category's every topic in a temporary B-tree per page (1.2 s at 116,000 topics). The pinned ones are
        // read from a partial index of their own, the rest from `topics_category_latest`.
        let cursor = query.after
        let pinned =
            cursor?.pinned ?? true
            ? Self.topicPage(
                conditions + ["t.pinned_at IS NOT NULL"], after: cursor?.pinned == true ? cursor : nil,
                limit: query.limit) : nil
        let unpinned = conditions + ["t.pinned_at IS NULL"]
        let unpinnedCursor = cursor?.pinned == false ? cursor : nil
        return try await database.read { sql in
            var topics: [Topic] = []
            if let pinned { topics = try await sql.raw(pinned).all().map(Self.topic) }
            if topics.count < query.limit {
                let rest = Self.topicPage(unpinned, after: unpinnedCursor, limit: query.limit - topics.count)
                topics += try await sql.raw(rest).all().map(Self.topic)
            }
            return topics
        }
    }

    /// Topics by latest post, newest first, after the cursor. The leading `<=` repeats what the OR says so that
    /// SQLite starts the index range at the cursor (with bound values, the OR alone made it walk the category's
    /// topics from the newest: see `bench/inbox.sh`).
    private static func topicPage(_ conditions: [SQLQueryString], after cursor: TopicCursor?, limit: Int)
        -> SQLQueryString
    {
        var all = conditions
        if let cursor {
            all.append(
                "(t.last_posted_at <= \(bind: cursor.lastPostedAt) AND (t.last_posted_at < \(bind: cursor.lastPostedAt) OR (t.last_posted_at = \(bind: cursor.lastPostedAt) AND t.id < \(bind: cursor.id.rawValue))))"
            )
        }
        var statement = topicSelect
        if let first = all.first {
            statement = statement + " WHERE " + all.dropFirst().reduce(first) { $0 + " AND " + $1 }
        }
        return statement + " ORDER BY t.last_posted_at DESC, t.id DESC LIMIT \(bind: limit)"
    }

    public func setPinned(_ topicID: TopicID, at date: Date?) async throws {
        try await setTopicDate("pinned_at", of: topicID, to: date)
    }

    /// Closing or opening a topic by hand ends its timer: the moderator's hand wins over what was planned.
    public func setClosed(_ topicID: TopicID, at date: Date?) async throws {
        try await database.write { sql in
            try await sql.update("topics").set("closed_at", to: date?.millisecondsSince1970)
                .set(SQLColumn("timer_action"), to: SQLLiteral.null).set(SQLColumn("timer_at"), to: SQLLiteral.null)
                .set(SQLColumn("timer_quiet_days"), to: SQLLiteral.null).where("id", .equal, topicID.rawValue).run()
        }
    }

    public func setSlowMode(_ topicID: TopicID, _ slowMode: SlowMode?) async throws {
        try await database.write { sql in
            try await sql.update("topics").set("slow_mode_seconds", to: slowMode.map { Int64($0.seconds) })
                .set("slow_mode_until", to: slowMode?.until.millisecondsSince1970)
                .where("id", .equal, topicID.rawValue).run()
        }
    }

    public func lastPostDate(by memberID: MemberID, in topicID: TopicID) async throws -> Date? {
        // Walks the topic's posts backwards on (topic_id, number): only runs while slow mode is on.
        try await database.read { sql in
            try await sql.select().column("created_at").from("posts")
                .where("topic_id", .equal, topicID.rawValue).where("author_id", .equal, memberID.rawValue)
                .orderBy("number", .descending).limit(1)
                .first(decodingColumn: "created_at", as: Int64.self).map(Date.init(millisecondsSince1970:))
        }
    }

    private func setTopicDate(_ column: String, of topicID: TopicID, to date: Date?) async throws {
        try await database.write { sql in
            try await sql.update("topics").set(column, to: date?.millisecondsSince1970)
                .where("id", .equal, topicID.rawValue).run()
        }
    }

    static let topicSelect: SQLQueryString = """
        SELECT t.id, t.category_id, t.title, t.created_at, t.last_posted_at, t.post_count, t.highest_number, \
        t.pinned_at, t.closed_at, t.deleted_at, t.held_at, t.slow_mode_seconds, t.slow_mode_until, \
        t.timer_action, t.timer_at, t.timer_quiet_days, \
        a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, a.role AS a_role, \
        l.id AS l_id, l.handle AS l_handle, l.display_name AS l_display_name, l.role AS l_role \
        FROM topics t JOIN members a ON a.id = t.author_id JOIN members l ON l.id = t.last_poster_id
        """

    @Sendable static func topic(_ row: any SQLRow) throws -> Topic {
        Topic(
            id: TopicID(try row.decode(column: "id", as: Int64.self)),
            categoryID: CategoryID(try row.decode(column: "category_id", as: Int64.self)),
            author: try SQLMemberRepository.summary(row, prefix: "a_"),
            title: try row.decode(column: "title", as: String.self),
            createdAt: try date(row, "created_at"),
            lastPostedAt: try date(row, "last_posted_at"),
            lastPoster: try SQLMemberRepository.summary(row, prefix: "l_"),
            postCount: try row.decode(column: "post_count", as: Int.self),
            highestNumber: try row.decode(column: "highest_number", as: Int.self),
            pinnedAt: try optionalDate(row, "pinned_at"),
            closedAt: try optionalDate(row, "closed_at"),
            deletedAt: try optionalDate(row, "deleted_at"),
            heldAt: try optionalDate(row, "held_at"),
            slowMode: try row.decode(column: "slow_mode_seconds", as: Int?.self).flatMap { seconds in
                try optionalDate(row, "slow_mode_until").map { SlowMode(seconds: seconds, until: $0) }
            },
            timer: try SQLModerationRepository.timer(row))
    }

    // MARK: Dates

    static func date(_ row: any SQLRow, _ column: String) throws -> Date {
        Date(millisecondsSince1970: try row.decode(column: column, as: Int64.self))
    }

    static func optionalDate(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
    }
}
