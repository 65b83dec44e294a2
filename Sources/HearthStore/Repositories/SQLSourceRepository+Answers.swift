import Foundation
import HearthCore
import SQLKit

/// Answers written in the inbox to outside items: stored with their job and the inbox item's decision in one
/// transaction, so that an answer retried by the group commit, or sent twice from the form, goes out once.
extension SQLSourceRepository {
    static func answerJob(_ id: Int64, at date: Date) throws -> NewJob {
        try NewJob(kind: .outsideAnswer, OutsideAnswerJob(answerID: id), runAt: date, key: "outside-answer:\(id)")
    }

    public func queueAnswer(
        inboxItem: InboxItemID, body: String, by member: MemberID, authorName: String, at date: Date
    ) async throws -> Int64 {
        let millis = date.millisecondsSince1970
        return try await database.write { sql in
            let itemID = try await Self.outsideItem(of: inboxItem, sql)
            // The decision first: a second answer to the same item (two tabs, a form sent twice) stops here.
            let decided = try await sql.raw(
                """
                UPDATE inbox_items SET state = 'handled', decision = 'replied', decided_by = \(bind: member.rawValue), \
                decided_at = \(bind: millis), updated_at = \(bind: millis) \
                WHERE id = \(bind: inboxItem.rawValue) AND state = 'open' RETURNING id
                """
            ).first()
            guard decided != nil else {
                let item = try await SQLInboxRepository.item(inboxItem, sql)
                throw HearthError.conflict(
                    item.map { InboxService.alreadyDecided($0, at: date) }
                        ?? "This item is no longer in the inbox; nothing was sent.")
            }
            let id = try await Self.queue(
                "answer", item: itemID, body: body, by: member, authorName: authorName, at: date, sql)
            try await SQLModerationRepository.log(
                NewLogEntry(
                    actorID: member, action: "outside_answer", target: .source,
                    targetID: try await sql.raw("SELECT source_id FROM outside_items WHERE id = \(bind: itemID)")
                        .first(decodingColumn: "source_id", as: Int64.self) ?? 0,
                    reason: String(body.prefix(200))),
                at: date, sql)
            return id
        }
    }

    public func queueBoost(inboxItem: InboxItemID, by member: MemberID, authorName: String, at date: Date)
        async throws -> Int64
    {
        try await database.write { sql in
            let itemID = try await Self.outsideItem(of: inboxItem, sql)
            let boosted = try await sql.raw(
                "SELECT id FROM outside_answers WHERE item_id = \(bind: itemID) AND kind = 'boost'"
            ).first()
            guard boosted == nil else { throw HearthError.conflict("This post was boosted already.") }
            return try await Self.queue(
                "boost", item: itemID, body: "", by: member, authorName: authorName, at: date, sql)
        }
    }

    /// The outside item behind an inbox item.
    static func outsideItem(of inboxItem: InboxItemID, _ sql: any SQLDatabase) async throws -> Int64 {
        guard
            let itemID = try await sql.raw(
                "SELECT id FROM outside_items WHERE inbox_item_id = \(bind: inboxItem.rawValue)"
            ).first(decodingColumn: "id", as: Int64.self)
        else { throw HearthError.notFound("This item's source was removed: open it on its site.") }
        return itemID
    }

    /// Stores an answer or a boost with its job, in the caller's transaction (the outbox).
    static func queue(
        _ kind: String, item itemID: Int64, body: String, by member: MemberID, authorName: String, at date: Date,
        _ sql: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let id = try await sql.insert(into: "outside_answers")
                .columns("item_id", "kind", "body", "author_id", "author_name", "idempotency_key", "created_at")
                .values(
                    SQLBind(itemID), SQLBind(kind), SQLBind(body), SQLBind(member.rawValue), SQLBind(authorName),
                    SQLBind("hearth-" + UUID().uuidString.lowercased()), SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        else { throw HearthError.unavailable("The answer could not be saved.") }
        try await SQLJobQueue.enqueue(try answerJob(id, at: date), at: date, sql)
        return id
    }

    static let answerSelect: SQLQueryString = """
        SELECT a.id, a.kind, a.body, a.author_name, a.sent_at, a.last_error, a.sent_url, a.idempotency_key, \
        o.id AS item_id, o.source_id, \
        o.external_id, o.url, o.title, o.author, o.body AS item_body, o.published_at, o.reply_to \
        FROM outside_answers a JOIN outside_items o ON o.id = a.item_id
        """

    public func answers(_ id: SourceID, limit: Int) async throws -> [OutsideAnswer] {
        try await database.read { sql in
            try await sql.raw(
                Self.answerSelect + " WHERE o.source_id = \(bind: id.rawValue) ORDER BY a.id DESC LIMIT \(bind: limit)"
            ).all().map(Self.answer)
        }
    }

    public func claimAnswer(_ id: Int64, for lease: TimeInterval, at date: Date) async throws -> OutsideAnswer? {
        try await database.write { sql in
            try await Self.claim("outside_answers", id, lease: lease, at: date, sql)
                ? try await sql.raw(Self.answerSelect + " WHERE a.id = \(bind: id)").first().map(Self.answer) : nil
        }
    }

    /// Takes a row to send: not sent yet, and no other process sending it (a lease a crash left ends by itself).
    static func claim(_ table: String, _ id: Int64, lease: TimeInterval, at date: Date, _ sql: any SQLDatabase)
        async throws -> Bool
    {
        let now = date.millisecondsSince1970
        return try await sql.raw(
            """
            UPDATE \(ident: table) SET sending_until = \(bind: date.addingTimeInterval(lease).millisecondsSince1970) \
            WHERE id = \(bind: id) AND sent_at IS NULL AND (sending_until IS NULL OR sending_until < \(bind: now)) \
            RETURNING id
            """
        ).first() != nil
    }

    /// An attempt at sending an answer or an outward post: counted, its lease let go, and its address or error kept.
    static func recordSending(
        _ table: String, _ id: Int64, sentURL: String?, error: String?, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        var update = sql.update(table)
            .set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1")).set("last_error", to: error)
            .set("sending_until", to: SQLLiteral.null)
        if error == nil {
            update = update.set("sent_at", to: date.millisecondsSince1970).set("sent_url", to: sentURL)
        }
        try await update.where("id", .equal, id).run()
    }

    public func recordAnswer(_ id: Int64, sentURL: String?, error: String?, at date: Date) async throws {
        try await database.write { sql in
            try await Self.recordSending("outside_answers", id, sentURL: sentURL, error: error, at: date, sql)
            guard let error else { return }
            // Not sent: the item comes back into the inbox saying why, for the manager to answer again or let be.
            guard
                let row = try await sql.raw(
                    """
                    SELECT o.inbox_item_id, a.kind FROM outside_answers a JOIN outside_items o ON o.id = a.item_id \
                    WHERE a.id = \(bind: id)
                    """
                ).first(),
                let inboxID = try row.decode(column: "inbox_item_id", as: Int64?.self),
                try row.decode(column: "kind", as: String.self) == "answer",
                var item = try await SQLInboxRepository.item(InboxItemID(inboxID), sql)
            else { return }
            item.facts.outside?.answerError = error
            try await sql.raw(
                """
                UPDATE inbox_items SET state = 'open', decision = NULL, decided_by = NULL, decided_at = NULL \
                WHERE id = \(bind: inboxID) AND state = 'handled' AND decision = 'replied'
                """
            ).run()
            try await SQLInboxRepository.store(
                item.id, item.facts, InboxRanking.rank(item.facts, kind: .outside), at: date, sql)
        }
    }

    @Sendable static func answer(_ row: any SQLRow) throws -> OutsideAnswer {
        OutsideAnswer(
            id: try row.decode(column: "id", as: Int64.self),
            sourceID: SourceID(try row.decode(column: "source_id", as: Int64.self)),
            itemID: try row.decode(column: "item_id", as: Int64.self),
            entry: OutsideEntry(
                externalID: try row.decode(column: "external_id", as: String.self),
                url: try row.decode(column: "url", as: String?.self),
                title: try row.decode(column: "title", as: String.self),
                author: try row.decode(column: "author", as: String?.self),
                text: try row.decode(column: "item_body", as: String.self),
                publishedAt: try row.decode(column: "published_at", as: Int64?.self)
                    .map(Date.init(millisecondsSince1970:)),
                replyTo: try row.decode(column: "reply_to", as: String?.self)),
            body: try row.decode(column: "body", as: String.self),
            authorName: try row.decode(column: "author_name", as: String.self),
            sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            sentURL: try row.decode(column: "sent_url", as: String?.self),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            isBoost: try row.decode(column: "kind", as: String.self) == "boost")
    }
}
