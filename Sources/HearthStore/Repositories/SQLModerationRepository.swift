import Foundation
import HearthCore
import SQLKit

/// Flags, the review queue, posts' moderation state and the audit log. Each change that has effects (a flag
/// that hides a post, a decision that deletes one) happens in one transaction with its log line.
public struct SQLModerationRepository: ModerationRepository {
    let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    // MARK: Review items

    @discardableResult
    public func open(_ item: NewReviewItem, at date: Date) async throws -> ReviewItem {
        try await database.write { sql in try await Self.open(item, replacingReasons: false, at: date, sql) }
    }

    static func open(_ item: NewReviewItem, replacingReasons: Bool, at date: Date, _ sql: any SQLDatabase)
        async throws -> ReviewItem
    {
        let key = item.openKey
        var found = try await sql.select().columns("id", "reasons", "score").from("review_items")
            .where("open_key", .equal, key).first()
        if found == nil, let sibling = item.siblingKey,
            let row = try await sql.select().columns("id", "reasons", "score").from("review_items")
                .where("open_key", .equal, sibling).first()
        {
            // The post is already in the queue for the other reason: one item, and a member's flag names it.
            if item.kind == .flaggedPost {
                try await sql.update("review_items").set("kind", to: item.kind.rawValue).set("open_key", to: key)
                    .where("id", .equal, try row.decode(column: "id", as: Int64.self)).run()
            }
            found = row
        }
        if let row = found {
            let id = try row.decode(column: "id", as: Int64.self)
            let held = decodeReasons(try row.decode(column: "reasons", as: String.self))
            // Members' flags are counted again each time (their reasons replaced); what the engine and the watched
            // words said of the post stays, when both put it in the queue.
            var reasons = replacingReasons ? held.filter(NewReviewItem.isEngineReason) : held
            for reason in item.reasons where !reasons.contains(reason) { reasons.append(reason) }
            let score =
                replacingReasons ? item.score : max(item.score, try row.decode(column: "score", as: Double.self))
            try await sql.update("review_items").set("reasons", to: encodeReasons(reasons)).set("score", to: score)
                .set("updated_at", to: date.millisecondsSince1970).where("id", .equal, id).run()
            return try await opened(ReviewItemID(id), at: date, sql)
        }
        let id =
            try await sql.insert(into: "review_items")
            .columns("kind", "post_id", "member_id", "open_key", "reasons", "score", "created_at", "updated_at")
            .values(
                SQLBind(item.kind.rawValue), SQLBind(item.postID?.rawValue), SQLBind(item.memberID?.rawValue),
                SQLBind(key), SQLBind(encodeReasons(item.reasons)), SQLBind(item.score),
                SQLBind(date.millisecondsSince1970), SQLBind(date.millisecondsSince1970)
            )
            .returning("id").first(decodingColumn: "id", as: Int64.self) ?? 0
        return try await opened(ReviewItemID(id), at: date, sql)
    }

    /// The item just opened or grown, brought into the inbox in the same transaction.
    private static func opened(_ id: ReviewItemID, at date: Date, _ sql: any SQLDatabase) async throws -> ReviewItem {
        guard let item = try await item(id, sql) else {
            throw HearthError.unavailable("The review item could not be saved.")
        }
        try await SQLInboxRepository.reviewOpened(item, at: date, sql)
        return item
    }

    public func item(_ id: ReviewItemID) async throws -> ReviewItem? {
        try await database.read { sql in try await Self.item(id, sql) }
    }

    static func item(_ id: ReviewItemID, _ sql: any SQLDatabase) async throws -> ReviewItem? {
        try await sql.raw(itemSelect + " WHERE r.id = \(bind: id.rawValue)").first().map(item)
    }

    public func openItems(for postID: PostID) async throws -> [ReviewItem] {
        try await database.read { sql in
            try await sql.raw(
                Self.itemSelect
                    + " WHERE r.post_id = \(bind: postID.rawValue) AND r.handled_at IS NULL AND r.kind <> 'heated_topic' ORDER BY r.id"
            ).all().map(Self.item)
        }
    }

    public func queue(after cursor: ReviewCursor?, limit: Int, awakeAt date: Date) async throws -> [ReviewItem] {
        var statement =
            Self.itemSelect
            + " WHERE r.handled_at IS NULL AND (r.sleeps_until IS NULL OR r.sleeps_until <= \(bind: date.millisecondsSince1970))"
        if let cursor {
            statement =
                statement
                + " AND r.score <= \(bind: cursor.score) AND (r.score < \(bind: cursor.score) OR (r.score = \(bind: cursor.score) AND r.id > \(bind: cursor.id.rawValue)))"
        }
        let finished = statement + " ORDER BY r.score DESC, r.id LIMIT \(bind: limit)"
        return try await database.read { sql in try await sql.raw(finished).all().map(Self.item) }
    }

    public func openCount(awakeAt date: Date) async throws -> Int {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM review_items WHERE handled_at IS NULL \
                AND (sleeps_until IS NULL OR sleeps_until <= \(bind: date.millisecondsSince1970))
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func items(openedSince since: Date, limit: Int) async throws -> [ReviewItem] {
        try await database.read { sql in
            try await sql.raw(
                Self.itemSelect
                    + " WHERE r.created_at >= \(bind: since.millisecondsSince1970) ORDER BY r.created_at DESC, r.id DESC LIMIT \(bind: limit)"
            ).all().map(Self.item)
        }
    }

    public func claim(_ id: ReviewItemID, by memberID: MemberID, at date: Date, staleAfter: TimeInterval)
        async throws -> ReviewItem?
    {
        try await database.write { sql in
            // One UPDATE decides between two moderators claiming at once.
            try await sql.raw(
                """
                UPDATE review_items SET claimed_by = \(bind: memberID.rawValue), \
                claimed_at = \(bind: date.millisecondsSince1970) \
                WHERE id = \(bind: id.rawValue) AND handled_at IS NULL AND (claimed_by IS NULL \
                OR claimed_by = \(bind: memberID.rawValue) \
                OR claimed_at <= \(bind: date.addingTimeInterval(-staleAfter).millisecondsSince1970))
                """
            ).run()
            guard let item = try await Self.item(id, sql), item.isOpen else { return nil }
            return item
        }
    }

    public func decide(_ decision: ReviewDecision, at date: Date) async throws -> Bool {
        let engine = database.engine
        return try await database.write { sql in
            guard
                let row = try await sql.select().columns("post_id", "member_id", "kind", "handled_at")
                    .from("review_items")
                    .where("id", .equal, decision.itemID.rawValue).first(),
                try row.decode(column: "handled_at", as: Int64?.self) == nil
            else { return false }
            let millis = date.millisecondsSince1970
            try await sql.update("review_items").set("handled_at", to: millis)
                .set("handled_by", to: decision.moderatorID.rawValue).set("outcome", to: decision.outcome.rawValue)
                .set("open_key", to: SQLLiteral.null).where("id", .equal, decision.itemID.rawValue).run()
            let kind = try row.decode(column: "kind", as: String.self)
            // A heated topic's item points at the reply that tipped it; deciding it leaves that reply's flags alone.
            if kind != ReviewItem.Kind.heatedTopic.rawValue,
                let postID = try row.decode(column: "post_id", as: Int64?.self).map(PostID.init(rawValue:))
            {
                if let state = decision.postState { try await Self.setState(postID, to: state, at: date, sql) }
                if decision.deletePost {
                    try await SQLForumRepository.setDeleted(postID, at: date, by: decision.moderatorID, sql)
                }
                var flags = sql.update("flags").set("resolved_at", to: millis)
                if let agreed = decision.flagsAgreed { flags = flags.set("agreed", to: agreed ? 1 : 0) }
                try await flags.where("post_id", .equal, postID.rawValue).where("resolved_at", .is, SQLLiteral.null)
                    .run()
            }
            if kind == ReviewItem.Kind.flaggedProfile.rawValue,
                let memberID = try row.decode(column: "member_id", as: Int64?.self)
            {
                try await sql.update("profile_flags").set("resolved_at", to: millis).where(
                    "member_id", .equal, memberID
                )
                .where("resolved_at", .is, SQLLiteral.null).run()
            }
            try await SQLInboxRepository.reviewDecided(
                ReviewItem.Kind(rawValue: kind) ?? .flaggedPost,
                post: try row.decode(column: "post_id", as: Int64?.self).map(PostID.init(rawValue:)),
                member: try row.decode(column: "member_id", as: Int64?.self).map(MemberID.init(rawValue:)),
                outcome: decision.outcome, by: decision.moderatorID, at: date, sql)
            try await Self.log(decision.log, at: date, sql)
            if let label = decision.label {
                try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql)
            }
            return true
        }
    }

    public func sleep(_ id: ReviewItemID, until: Date, by memberID: MemberID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            guard try await Self.item(id, sql)?.isOpen == true else { return false }
            try await sql.update("review_items").set("sleeps_until", to: until.millisecondsSince1970)
                .set("updated_at", to: date.millisecondsSince1970).set("claimed_by", to: SQLLiteral.null)
                .set("claimed_at", to: SQLLiteral.null).where("id", .equal, id.rawValue).run()
            try await Self.log(
                NewLogEntry(
                    actorID: memberID, action: "defer", target: .reviewItem, targetID: id.rawValue,
                    reason: "until \(AccessPolicy.moment(until))"), at: date, sql)
            return true
        }
    }

    static let itemSelect: SQLQueryString = """
        SELECT r.id, r.kind, r.post_id, r.member_id, r.reasons, r.score, r.created_at, r.updated_at, \
        r.sleeps_until, r.claimed_at, r.handled_at, r.outcome, \
        c.id AS c_id, c.handle AS c_handle, c.display_name AS c_display_name, c.role AS c_role, \
        h.id AS h_id, h.handle AS h_handle, h.display_name AS h_display_name, h.role AS h_role \
        FROM review_items r LEFT JOIN members c ON c.id = r.claimed_by LEFT JOIN members h ON h.id = r.handled_by
        """

    @Sendable static func item(_ row: any SQLRow) throws -> ReviewItem {
        func summary(_ prefix: String) throws -> MemberSummary? {
            try row.decode(column: prefix + "id", as: Int64?.self) == nil
                ? nil : try SQLMemberRepository.summary(row, prefix: prefix)
        }
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
        }
        return ReviewItem(
            id: ReviewItemID(try row.decode(column: "id", as: Int64.self)),
            kind: ReviewItem.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .flaggedPost,
            postID: try row.decode(column: "post_id", as: Int64?.self).map(PostID.init(rawValue:)),
            memberID: try row.decode(column: "member_id", as: Int64?.self).map(MemberID.init(rawValue:)),
            reasons: decodeReasons(try row.decode(column: "reasons", as: String.self)),
            score: try row.decode(column: "score", as: Double.self),
            createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0),
            updatedAt: try date("updated_at") ?? Date(timeIntervalSince1970: 0),
            sleepsUntil: try date("sleeps_until"), claimedBy: try summary("c_"), claimedAt: try date("claimed_at"),
            handledBy: try summary("h_"), handledAt: try date("handled_at"),
            outcome: try row.decode(column: "outcome", as: String?.self).flatMap(ReviewItem.Outcome.init(rawValue:)))
    }

    static func encodeReasons(_ reasons: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(reasons), as: UTF8.self)) ?? "[]"
    }

    static func decodeReasons(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// Opens an item for a post the gate read as it was written; a held one is logged as the community's hold.
    static func open(_ item: NewReviewItem, held: Bool, at date: Date, _ sql: any SQLDatabase) async throws {
        let opened = try await open(item, replacingReasons: false, at: date, sql)
        if held, let postID = item.postID {
            try await log(
                NewLogEntry(
                    actorID: nil, action: "hold", target: .post, targetID: postID.rawValue,
                    reason: opened.reasons.joined(separator: ", ")), at: date, sql)
        }
    }

    public func hold(_ postID: PostID, item: NewReviewItem, at date: Date) async throws {
        try await database.write { sql in
            // Only a post that is out is held: a hidden one stays hidden, and its item still opens.
            try await sql.update("posts").set("moderation", to: PostModeration.pending.rawValue)
                .where("id", .equal, postID.rawValue).where("moderation", .equal, PostModeration.visible.rawValue)
                .run()
            try await Self.refreshLastPost(of: postID, sql)
            try await SQLForumRepository.recountPosts(topicOf: postID, sql)
            var item = item
            item.postID = postID
            try await Self.open(item, held: true, at: date, sql)
        }
    }

    // MARK: Posts' state

    /// Moves the last activity of the post's topic to its newest live post.
    static func refreshLastPost(of postID: PostID, _ sql: any SQLDatabase) async throws {
        let topicID = try await sql.select().column("topic_id").from("posts").where("id", .equal, postID.rawValue)
            .first(decodingColumn: "topic_id", as: Int64.self)
        if let topicID { try await SQLForumRepository.refreshLastPost(of: TopicID(topicID), sql) }
    }

    public func setState(
        _ postID: PostID, to state: PostModeration, log: NewLogEntry, label: EngineLabel?, at date: Date
    ) async throws {
        let engine = database.engine
        try await database.write { sql in
            try await Self.setState(postID, to: state, at: date, sql)
            // A moderator hid it: its inbox item leaves (one hidden by flags stays, for the moderator to decide).
            if state == .hidden { try await SQLInboxRepository.postRemoved(postID, topic: nil, at: date, sql) }
            try await Self.log(log, at: date, sql)
            if let label { try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql) }
        }
    }

    /// A post's state; a topic's hold follows its opening post's.
    static func setState(_ postID: PostID, to state: PostModeration, at date: Date, _ sql: any SQLDatabase)
        async throws
    {
        try await sql.update("posts").set("moderation", to: state.rawValue).where("id", .equal, postID.rawValue)
            .run()
        try await refreshLastPost(of: postID, sql)
        try await SQLForumRepository.recountPosts(topicOf: postID, sql)
        // A held topic is listed again only when its opening post goes out: hiding a held spam opening keeps the
        // topic out of everyone's lists.
        if state == .visible {
            let released = try await sql.raw(
                """
                UPDATE topics SET held_at = NULL WHERE held_at IS NOT NULL AND id = \
                (SELECT topic_id FROM posts WHERE id = \(bind: postID.rawValue) AND number = 1) \
                RETURNING id, category_id, title
                """
            ).first()
            // A held announcement goes out when it is let through.
            if let released {
                let opening = try await sql.raw("SELECT content FROM posts WHERE id = \(bind: postID.rawValue)")
                    .first()
                let body = try opening.map { try PostContent.markdown($0) } ?? ""
                try await SQLForumRepository.announceIfAnnouncement(
                    try released.decode(column: "id", as: Int64.self),
                    category: CategoryID(try released.decode(column: "category_id", as: Int64.self)),
                    title: try released.decode(column: "title", as: String.self), body: body, at: date, sql)
            }
        }
    }
}
