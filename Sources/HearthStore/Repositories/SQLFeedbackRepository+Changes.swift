import Foundation
import HearthCore
import SQLKit

extension SQLFeedbackRepository {
    public func create(_ item: NewFeedbackItem, label: EngineLabel?, log: NewLogEntry, at date: Date) async throws
        -> FeedbackItemID
    {
        let engine = database.engine
        let url = publicURL
        return try await database.write { sql in
            if item.postID == nil, let createdBy = item.createdBy,
                let same = try await Self.handWritten(item, by: createdBy, since: date, engine: engine, sql)
            {
                return same
            }
            let id = try await Self.insert(item, at: date, sql)
            if let label { try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql) }
            var entry = log
            if entry.target == .feedback { entry.targetID = id.rawValue }
            try await SQLModerationRepository.log(entry, at: date, sql)
            try await Self.queue(OutgoingWebhook(.feedbackCreated, item: id), publicURL: url, at: date, sql)
            return id
        }
    }

    /// The item this hand-written one repeats: the same title and text from the same member within
    /// `ForumService.repeatWindow` (a reload, the back button), with the member's writes ordered
    /// (`SQLMemberRepository.lock`).
    private static func handWritten(
        _ item: NewFeedbackItem, by member: MemberID, since date: Date, engine: DatabaseEngine, _ sql: any SQLDatabase
    ) async throws -> FeedbackItemID? {
        try await SQLMemberRepository.lock(member, engine: engine, sql)
        let since = date.addingTimeInterval(-ForumService.repeatWindow).millisecondsSince1970
        return try await sql.raw(
            """
            SELECT id FROM feedback_items WHERE created_by = \(bind: member.rawValue) \
            AND created_at >= \(bind: since) AND title = \(bind: item.title) AND body = \(bind: item.body) \
            AND merged_into IS NULL ORDER BY id DESC LIMIT 1
            """
        ).first(decodingColumn: "id", as: Int64.self).map { FeedbackItemID($0) }
    }

    /// Inserts an item, linked to its post when it has one, in the caller's transaction.
    static func insert(_ item: NewFeedbackItem, at date: Date, _ sql: any SQLDatabase) async throws -> FeedbackItemID {
        let millis = date.millisecondsSince1970
        guard
            let id = try await sql.insert(into: "feedback_items")
                .columns(
                    "title", "body", "kind", "status", "language", "post_count", "created_by", "created_at",
                    "updated_at"
                )
                .values(
                    SQLBind(item.title), SQLBind(item.body), SQLBind(item.kind.rawValue),
                    SQLBind(FeedbackItem.Status.open.rawValue), SQLBind(item.language),
                    SQLBind(item.postID == nil ? 0 : 1), SQLBind(item.createdBy?.rawValue), SQLBind(millis),
                    SQLBind(millis)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        else { throw HearthError.unavailable("The feedback item could not be saved.") }
        if let postID = item.postID {
            try await sql.insert(into: "feedback_posts").columns("item_id", "post_id", "added_by", "added_at")
                .values(
                    SQLBind(id), SQLBind(postID.rawValue), SQLBind(item.createdBy?.rawValue), SQLBind(millis)
                ).run()
            try await sql.delete(from: "feedback_declined").where("post_id", .equal, postID.rawValue).run()
        }
        return FeedbackItemID(id)
    }

    public func link(_ postID: PostID, to id: FeedbackItemID, label: EngineLabel?, by: MemberID?, at date: Date)
        async throws -> Bool
    {
        let engine = database.engine
        return try await database.write { sql in
            let millis = date.millisecondsSince1970
            let added = try await sql.raw(
                """
                INSERT INTO feedback_posts (item_id, post_id, added_by, added_at) VALUES (\(bind: id.rawValue), \
                \(bind: postID.rawValue), \(bind: by?.rawValue), \(bind: millis)) ON CONFLICT (post_id) DO NOTHING \
                RETURNING id
                """
            ).first()
            guard added != nil else { return false }
            try await sql.raw(
                """
                UPDATE feedback_items SET post_count = post_count + 1, updated_at = \(bind: millis) \
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try await sql.delete(from: "feedback_declined").where("post_id", .equal, postID.rawValue).run()
            if let label { try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql) }
            return true
        }
    }

    public func decline(_ postID: PostID, label: EngineLabel, by: MemberID, at date: Date) async throws {
        let engine = database.engine
        try await database.write { sql in
            let added = try await sql.raw(
                """
                INSERT INTO feedback_declined (post_id, member_id, created_at) VALUES (\(bind: postID.rawValue), \
                \(bind: by.rawValue), \(bind: date.millisecondsSince1970)) ON CONFLICT (post_id) DO NOTHING \
                RETURNING post_id
                """
            ).first()
            if added != nil { try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql) }
        }
    }

    public func split(
        _ postID: PostID, from id: FeedbackItemID, into item: NewFeedbackItem, log: NewLogEntry, at date: Date
    ) async throws -> FeedbackItemID {
        let url = publicURL
        return try await database.write { sql in
            try await sql.delete(from: "feedback_posts").where("post_id", .equal, postID.rawValue).run()
            let new = try await Self.insert(item, at: date, sql)
            try await sql.raw(
                """
                UPDATE feedback_items SET post_count = post_count - 1, updated_at = \(bind: date.millisecondsSince1970) \
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try await SQLModerationRepository.log(log, at: date, sql)
            try await Self.queue(OutgoingWebhook(.feedbackCreated, item: new), publicURL: url, at: date, sql)
            return new
        }
    }

    public func vote(_ id: FeedbackItemID, by member: MemberID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            let added = try await sql.raw(
                """
                INSERT INTO feedback_votes (item_id, member_id, created_at) VALUES (\(bind: id.rawValue), \
                \(bind: member.rawValue), \(bind: date.millisecondsSince1970)) \
                ON CONFLICT (item_id, member_id) DO NOTHING RETURNING item_id
                """
            ).first()
            guard added != nil else { return false }
            try await Self.countVotes(id, sql)
            return true
        }
    }

    public func unvote(_ id: FeedbackItemID, by member: MemberID) async throws -> Bool {
        try await database.write { sql in
            let removed = try await sql.raw(
                """
                DELETE FROM feedback_votes WHERE item_id = \(bind: id.rawValue) AND member_id = \(bind: member.rawValue) \
                RETURNING item_id
                """
            ).first()
            guard removed != nil else { return false }
            try await Self.countVotes(id, sql)
            return true
        }
    }

    static func countVotes(_ id: FeedbackItemID, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE feedback_items SET vote_count = (SELECT COUNT(*) FROM feedback_votes WHERE item_id = \
            \(bind: id.rawValue)), post_count = (SELECT COUNT(*) FROM feedback_posts WHERE item_id = \
            \(bind: id.rawValue)) WHERE id = \(bind: id.rawValue)
            """
        ).run()
    }

    public func follow(_ id: FeedbackItemID, by member: MemberID, _ follows: Bool, at date: Date) async throws {
        try await database.write { sql in
            if follows {
                try await sql.raw(
                    """
                    INSERT INTO feedback_follows (item_id, member_id, created_at) VALUES (\(bind: id.rawValue), \
                    \(bind: member.rawValue), \(bind: date.millisecondsSince1970)) \
                    ON CONFLICT (item_id, member_id) DO NOTHING
                    """
                ).run()
            } else {
                try await sql.delete(from: "feedback_follows").where("item_id", .equal, id.rawValue)
                    .where("member_id", .equal, member.rawValue).run()
            }
        }
    }

    public func changeStatus(
        _ id: FeedbackItemID, to status: FeedbackItem.Status, note: String, by: MemberID, log: NewLogEntry,
        at date: Date
    ) async throws -> Int64 {
        let url = publicURL
        let lock = database.engine.writeLock()
        return try await database.write { sql in
            // The same form sent twice (a reload, the back button): the threads and members were told once
            // already. Read with the item's row locked, so two copies sent at once are ordered.
            let row = try await sql.raw(
                "SELECT status, status_note FROM feedback_items WHERE id = \(bind: id.rawValue)" + lock
            ).first()
            if try row?.decode(column: "status", as: String.self) == status.rawValue,
                try row?.decode(column: "status_note", as: String?.self) == note
            {
                throw HearthError.conflict(
                    "This status and note were already saved and announced; nothing was sent again.")
            }
            let changeID = try await Self.recordChange(id, status, note: note, by: by, at: date, sql)
            try await SQLJobQueue.enqueue(
                try NewJob(kind: .feedbackCarryBack, FeedbackCarryBack(changeID: changeID), runAt: date),
                at: date, sql)
            try await SQLModerationRepository.log(log, at: date, sql)
            try await Self.queue(OutgoingWebhook(.feedbackStatusChanged, item: id), publicURL: url, at: date, sql)
            return changeID
        }
    }

    /// Sets the status and note, and keeps the change, in the caller's transaction.
    static func recordChange(
        _ id: FeedbackItemID, _ status: FeedbackItem.Status, note: String, by: MemberID, at date: Date,
        _ sql: any SQLDatabase
    ) async throws -> Int64 {
        let millis = date.millisecondsSince1970
        try await sql.update("feedback_items").set("status", to: status.rawValue).set("status_note", to: note)
            .set("updated_at", to: millis).where("id", .equal, id.rawValue).run()
        guard
            let changeID = try await sql.insert(into: "feedback_changes")
                .columns("item_id", "status", "note", "member_id", "created_at")
                .values(
                    SQLBind(id.rawValue), SQLBind(status.rawValue), SQLBind(note), SQLBind(by.rawValue),
                    SQLBind(millis)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        else { throw HearthError.unavailable("The status change could not be saved.") }
        return changeID
    }

    public func merge(
        _ id: FeedbackItemID, into target: FeedbackItemID, by: MemberID, log: NewLogEntry, at date: Date
    ) async throws {
        let url = publicURL
        try await database.write { sql in
            let (from, to) = (id.rawValue, target.rawValue)
            try await sql.update("feedback_posts").set("item_id", to: to).where("item_id", .equal, from).run()
            for (table, column) in [
                ("feedback_votes", "member_id"), ("feedback_follows", "member_id"), ("feedback_tags", "tag"),
            ] {
                let time: SQLQueryString = table == "feedback_tags" ? "" : ", created_at"
                try await sql.raw(
                    """
                    INSERT INTO \(unsafeRaw: table) (item_id, \(unsafeRaw: column)\(time)) \
                    SELECT \(bind: to), \(unsafeRaw: column)\(time) FROM \(unsafeRaw: table) WHERE item_id = \(bind: from) \
                    ON CONFLICT (item_id, \(unsafeRaw: column)) DO NOTHING
                    """
                ).run()
                try await sql.delete(from: table).where("item_id", .equal, from).run()
            }
            try await Self.countVotes(target, sql)
            try await Self.countVotes(id, sql)
            _ = try await Self.recordChange(id, .duplicate, note: "#\(to)", by: by, at: date, sql)
            try await sql.update("feedback_items").set("merged_into", to: to).where("id", .equal, from).run()
            try await sql.update("feedback_items").set("updated_at", to: date.millisecondsSince1970)
                .where("id", .equal, to).run()
            try await SQLModerationRepository.log(log, at: date, sql)
            try await Self.queue(
                OutgoingWebhook(.feedbackMerged, item: id, into: target), publicURL: url, at: date, sql)
        }
    }

    public func setTags(_ id: FeedbackItemID, _ tags: [String], at date: Date) async throws {
        try await database.write { sql in
            try await sql.delete(from: "feedback_tags").where("item_id", .equal, id.rawValue).run()
            for tag in tags {
                try await sql.insert(into: "feedback_tags").columns("item_id", "tag")
                    .values(SQLBind(id.rawValue), SQLBind(tag)).run()
            }
            try await sql.update("feedback_items").set("updated_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue).run()
        }
    }

    public func comment(_ id: FeedbackItemID, by: MemberID, _ body: String, at date: Date) async throws {
        try await database.write { sql in
            try await sql.insert(into: "feedback_comments").columns("item_id", "member_id", "body", "created_at")
                .values(
                    SQLBind(id.rawValue), SQLBind(by.rawValue), SQLBind(body), SQLBind(date.millisecondsSince1970)
                ).run()
        }
    }
}
