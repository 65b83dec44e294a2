import Foundation
import HearthCore
import SQLKit

/// The feedback board's tables (`feedback_*`). Each change is one transaction holding its side effects: the
/// engine's label, the moderation log's line, the carrying-back job and the webhook deliveries (the outbox).
public struct SQLFeedbackRepository: FeedbackRepository {
    let database: HearthDatabase
    /// The community's address, for the links in webhook payloads.
    let publicURL: String
    /// Seals the webhooks' signing secrets at rest.
    let secrets: SecretBox

    public init(database: HearthDatabase, publicURL: String, secrets: SecretBox) {
        self.database = database
        self.publicURL = publicURL
        self.secrets = secrets
    }

    static let itemColumns: SQLQueryString = """
        i.id, i.title, i.body, i.kind, i.status, i.language, i.vote_count, i.post_count, i.status_note, \
        i.created_by, i.created_at, i.updated_at, i.merged_into, i.answered_at
        """

    // MARK: Reading

    public func items(_ query: FeedbackQuery) async throws -> [FeedbackItem] {
        var statement: SQLQueryString = "SELECT \(Self.itemColumns) FROM feedback_items i"
        if let tag = query.tag {
            statement += " JOIN feedback_tags g ON g.item_id = i.id AND g.tag = \(bind: tag)"
        }
        if let status = query.status {
            statement += " WHERE i.status = \(bind: status.rawValue)"
        } else {
            statement += " WHERE i.status <> 'duplicate'"
        }
        switch (query.sort, query.after) {
        case (.votes, let after?):
            // The leading bound lets the index start at the cursor instead of walking from the top.
            statement += " AND i.vote_count <= \(bind: after.votes)"
            statement +=
                " AND (i.vote_count < \(bind: after.votes) OR i.id < \(bind: after.id.rawValue))"
        case (.new, let after?):
            statement += " AND i.id < \(bind: after.id.rawValue)"
        case (_, nil):
            break
        }
        statement += query.sort == .votes ? " ORDER BY i.vote_count DESC, i.id DESC" : " ORDER BY i.id DESC"
        statement += " LIMIT \(bind: query.limit)"
        let finished = statement
        return try await database.read { sql in
            try await Self.withTags(try await sql.raw(finished).all().map(Self.item), sql)
        }
    }

    public func item(_ id: FeedbackItemID) async throws -> FeedbackItem? {
        try await database.read { sql in try await Self.item(id, sql) }
    }

    static func item(_ id: FeedbackItemID, _ sql: any SQLDatabase) async throws -> FeedbackItem? {
        guard
            let row = try await sql.raw(
                "SELECT \(itemColumns) FROM feedback_items i WHERE i.id = \(bind: id.rawValue)"
            ).first()
        else { return nil }
        return try await withTags([try item(row)], sql).first
    }

    public func itemsCreated(after: FeedbackItemID?, limit: Int) async throws -> [FeedbackItem] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(Self.itemColumns) FROM feedback_items i WHERE i.id > \(bind: after?.rawValue ?? 0) \
                ORDER BY i.id LIMIT \(bind: limit)
                """
            ).all().map(Self.item)
        }
    }

    @Sendable static func item(_ row: any SQLRow) throws -> FeedbackItem {
        let kind = try row.decode(column: "kind", as: String.self)
        let status = try row.decode(column: "status", as: String.self)
        return FeedbackItem(
            id: FeedbackItemID(try row.decode(column: "id", as: Int64.self)),
            title: try row.decode(column: "title", as: String.self),
            body: try row.decode(column: "body", as: String.self),
            kind: FeedbackItem.Kind(rawValue: kind) ?? .suggestion,
            status: FeedbackItem.Status(rawValue: status) ?? .open,
            language: try row.decode(column: "language", as: String.self),
            votes: Int(try row.decode(column: "vote_count", as: Int64.self)),
            postCount: Int(try row.decode(column: "post_count", as: Int64.self)), tags: [],
            statusNote: try row.decode(column: "status_note", as: String.self),
            createdBy: try row.decode(column: "created_by", as: Int64?.self).map(MemberID.init(rawValue:)),
            createdAt: try SQLForumRepository.date(row, "created_at"),
            updatedAt: try SQLForumRepository.date(row, "updated_at"),
            mergedInto: try row.decode(column: "merged_into", as: Int64?.self).map(FeedbackItemID.init(rawValue:)),
            answeredAt: try SQLForumRepository.optionalDate(row, "answered_at"))
    }

    /// The items with their tags and linked posts, read in two queries.
    static func withTags(_ items: [FeedbackItem], _ sql: any SQLDatabase) async throws -> [FeedbackItem] {
        guard !items.isEmpty else { return items }
        let ids = items.map(\.id.rawValue)
        var tags: [Int64: [String]] = [:]
        for row in try await sql.select().columns("item_id", "tag").from("feedback_tags")
            .where("item_id", .in, ids).orderBy("tag").all()
        {
            tags[try row.decode(column: "item_id", as: Int64.self), default: []]
                .append(try row.decode(column: "tag", as: String.self))
        }
        var posts: [Int64: [PostID]] = [:]
        for row in try await sql.select().columns("item_id", "post_id").from("feedback_posts")
            .where("item_id", .in, ids).orderBy("id").all()
        {
            posts[try row.decode(column: "item_id", as: Int64.self), default: []]
                .append(PostID(try row.decode(column: "post_id", as: Int64.self)))
        }
        return items.map { item in
            var whole = item
            whole.tags = tags[item.id.rawValue] ?? []
            whole.postIDs = posts[item.id.rawValue] ?? []
            return whole
        }
    }

    public func links(of id: FeedbackItemID) async throws -> [FeedbackLink] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT p.id AS post_id, p.topic_id, t.title AS topic_title, p.number, p.content, \
                COALESCE(r.language, 'unknown') AS language, fp.added_at, \
                m.id AS m_id, m.handle AS m_handle, m.display_name AS m_display_name, m.role AS m_role \
                FROM feedback_posts fp JOIN posts p ON p.id = fp.post_id JOIN topics t ON t.id = p.topic_id \
                JOIN members m ON m.id = p.author_id LEFT JOIN post_readings r ON r.post_id = p.id \
                WHERE fp.item_id = \(bind: id.rawValue) ORDER BY fp.id
                """
            ).all().map { row in
                FeedbackLink(
                    postID: PostID(try row.decode(column: "post_id", as: Int64.self)),
                    topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
                    topicTitle: try row.decode(column: "topic_title", as: String.self),
                    postNumber: Int(try row.decode(column: "number", as: Int64.self)),
                    author: try SQLMemberRepository.summary(row, prefix: "m_"),
                    excerpt: Self.excerpt(try PostContent.markdown(row)),
                    language: try row.decode(column: "language", as: String.self),
                    addedAt: try SQLForumRepository.date(row, "added_at"))
            }
        }
    }

    /// The start of a post's Markdown, on one line, cut at a word.
    static func excerpt(_ markdown: String, length: Int = 240) -> String {
        let flat = markdown.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.count > length else { return flat }
        let cut = flat.prefix(length)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    public func changes(of id: FeedbackItemID) async throws -> [FeedbackChange] {
        try await database.read { sql in
            let answers = try await sql.raw(
                """
                SELECT a.change_id, a.topic_id, t.title, a.post_id, p.number, a.created_at FROM feedback_answers a \
                JOIN feedback_changes c ON c.id = a.change_id JOIN topics t ON t.id = a.topic_id \
                JOIN posts p ON p.id = a.post_id \
                WHERE c.item_id = \(bind: id.rawValue) ORDER BY a.created_at
                """
            ).all().map { row in
                FeedbackAnswer(
                    changeID: try row.decode(column: "change_id", as: Int64.self),
                    topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
                    topicTitle: try row.decode(column: "title", as: String.self),
                    postID: PostID(try row.decode(column: "post_id", as: Int64.self)),
                    postNumber: Int(try row.decode(column: "number", as: Int64.self)),
                    at: try SQLForumRepository.date(row, "created_at"))
            }
            // The item's own changes, and the merges into it: each merged item's "duplicate".
            return try await sql.raw(
                """
                SELECT c.id, c.item_id, c.status, c.note, c.created_at, s.title AS s_title, \
                m.id AS m_id, m.handle AS m_handle, m.display_name AS m_display_name, m.role AS m_role \
                FROM feedback_changes c JOIN feedback_items s ON s.id = c.item_id \
                LEFT JOIN members m ON m.id = c.member_id \
                WHERE c.item_id IN (SELECT \(bind: id.rawValue) UNION ALL \
                SELECT id FROM feedback_items WHERE merged_into = \(bind: id.rawValue)) \
                AND (c.item_id = \(bind: id.rawValue) OR c.status = \(bind: FeedbackItem.Status.duplicate.rawValue)) \
                ORDER BY c.id DESC
                """
            ).all().map { row in
                let changeID = try row.decode(column: "id", as: Int64.self)
                let hasMember = try row.decode(column: "m_id", as: Int64?.self) != nil
                let itemID = try row.decode(column: "item_id", as: Int64.self)
                return FeedbackChange(
                    id: changeID,
                    status: FeedbackItem.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                    note: try row.decode(column: "note", as: String.self),
                    by: hasMember ? try SQLMemberRepository.summary(row, prefix: "m_") : nil,
                    at: try SQLForumRepository.date(row, "created_at"),
                    answers: answers.filter { $0.changeID == changeID },
                    merged: itemID == id.rawValue
                        ? nil
                        : FeedbackChange.Merged(
                            id: FeedbackItemID(itemID), title: try row.decode(column: "s_title", as: String.self)))
            }
        }
    }

    public func comments(of id: FeedbackItemID) async throws -> [FeedbackComment] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT c.id, c.body, c.created_at, \
                m.id AS m_id, m.handle AS m_handle, m.display_name AS m_display_name, m.role AS m_role \
                FROM feedback_comments c JOIN members m ON m.id = c.member_id \
                WHERE c.item_id = \(bind: id.rawValue) ORDER BY c.id
                """
            ).all().map { row in
                FeedbackComment(
                    id: try row.decode(column: "id", as: Int64.self),
                    author: try SQLMemberRepository.summary(row, prefix: "m_"),
                    body: try row.decode(column: "body", as: String.self),
                    at: try SQLForumRepository.date(row, "created_at"))
            }
        }
    }

    public func standing(of member: MemberID, on id: FeedbackItemID) async throws -> (voted: Bool, follows: Bool) {
        try await database.read { sql in
            let row = try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM feedback_votes WHERE item_id = \(bind: id.rawValue) \
                AND member_id = \(bind: member.rawValue)) AS voted, \
                (SELECT COUNT(*) FROM feedback_follows WHERE item_id = \(bind: id.rawValue) \
                AND member_id = \(bind: member.rawValue)) AS follows
                """
            ).first()
            return (
                try row?.decode(column: "voted", as: Int64.self) ?? 0 > 0,
                try row?.decode(column: "follows", as: Int64.self) ?? 0 > 0
            )
        }
    }

    public func item(linking postID: PostID) async throws -> FeedbackItemID? {
        try await database.read { sql in
            try await sql.select().column("item_id").from("feedback_posts").where("post_id", .equal, postID.rawValue)
                .first(decodingColumn: "item_id", as: Int64.self).map(FeedbackItemID.init(rawValue:))
        }
    }

    /// How many of the latest posts the candidates are looked for in.
    static let candidateWindow: Int64 = 50_000

    /// The candidates' tables and conditions, after `SELECT …`; `before` pages the list.
    static func candidateSource(before: PostID?) -> SQLQueryString {
        var statement: SQLQueryString = """
             FROM post_readings r JOIN posts p ON p.id = r.post_id JOIN topics t ON t.id = p.topic_id \
            JOIN members m ON m.id = p.author_id \
            WHERE r.feedback_kind IN ('suggestion', 'bug', 'complaint') AND m.role = 'member'
            """
        statement += " AND "
        statement += PublicPosts.condition
        statement += """
             AND NOT EXISTS (SELECT 1 FROM feedback_posts fp WHERE fp.post_id = p.id) \
            AND NOT EXISTS (SELECT 1 FROM feedback_declined d WHERE d.post_id = p.id)
            """
        // Among the latest posts only: with every older candidate decided, the list must not walk a million readings.
        statement += " AND r.post_id > (SELECT COALESCE(MAX(id), 0) FROM posts) - \(bind: Self.candidateWindow)"
        if let before { statement += " AND r.post_id < \(bind: before.rawValue)" }
        return statement
    }

    public func candidateCount(atMost limit: Int) async throws -> Int {
        var statement: SQLQueryString = "SELECT COUNT(*) AS n FROM (SELECT r.post_id"
        statement += Self.candidateSource(before: nil)
        statement += " ORDER BY r.post_id DESC LIMIT \(bind: limit)) c"
        let finished = statement
        return try await database.read { sql in
            try await sql.raw(finished).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func candidates(before: PostID?, limit: Int) async throws -> [FeedbackCandidate] {
        var statement: SQLQueryString = """
            SELECT p.id, p.topic_id, t.title, p.number, p.content, p.created_at, r.feedback_kind, r.explanation, \
            r.language, m.id AS m_id, m.handle AS m_handle, m.display_name AS m_display_name, m.role AS m_role
            """
        statement += Self.candidateSource(before: before)
        statement += " ORDER BY r.post_id DESC LIMIT \(bind: limit)"
        let finished = statement
        return try await database.read { sql in
            try await sql.raw(finished).all().map { row in
                FeedbackCandidate(
                    postID: PostID(try row.decode(column: "id", as: Int64.self)),
                    topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
                    topicTitle: try row.decode(column: "title", as: String.self),
                    postNumber: Int(try row.decode(column: "number", as: Int64.self)),
                    author: try SQLMemberRepository.summary(row, prefix: "m_"),
                    excerpt: Self.excerpt(try PostContent.markdown(row)),
                    kind: FeedbackItem.Kind(rawValue: try row.decode(column: "feedback_kind", as: String.self))
                        ?? .suggestion,
                    explanation: try row.decode(column: "explanation", as: String.self),
                    language: try row.decode(column: "language", as: String.self),
                    createdAt: try SQLForumRepository.date(row, "created_at"))
            }
        }
    }

    public func tags() async throws -> [String] {
        try await database.read { sql in
            try await sql.raw("SELECT DISTINCT tag FROM feedback_tags ORDER BY tag").all()
                .map { try $0.decode(column: "tag", as: String.self) }
        }
    }
}
