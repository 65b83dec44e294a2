import Foundation
import HearthCore
import SQLKit

/// The inbox's own reads and decisions. The writes that keep it current as the forum moves (a post, a reply that
/// answers, a flag, a fire, a deletion) are in `SQLInboxRepository+Events.swift`, called inside those writes'
/// transactions.
public struct SQLInboxRepository: InboxRepository {
    let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func items(_ scope: InboxScope, after cursor: InboxCursor?, limit: Int, awakeAt date: Date) async throws
        -> [InboxItem]
    {
        var statement = Self.select + " WHERE " + Self.listed(scope, awakeAt: date)
        if let cursor {
            // `i.score <= …` says nothing the OR does not, but it is what lets the planner start the index range at
            // the cursor: the OR alone, with its values bound separately, makes SQLite walk `inbox_items_rank` from
            // the top and filter, a page at item 150,000 reading 150,000 index entries (13 ms instead of 0.4).
            statement =
                statement
                + " AND i.score <= \(bind: cursor.score) AND (i.score < \(bind: cursor.score) OR (i.score = \(bind: cursor.score) AND i.id < \(bind: cursor.id.rawValue)))"
        }
        let ordered = statement + " ORDER BY i.score DESC, i.id DESC LIMIT \(bind: limit)"
        return try await database.read { sql in try await sql.raw(ordered).all().map(Self.item) }
    }

    public func item(_ id: InboxItemID) async throws -> InboxItem? {
        try await database.read { sql in try await Self.item(id, sql) }
    }

    public func items(forPosts postIDs: [PostID]) async throws -> [PostID: InboxItem] {
        var found: [PostID: InboxItem] = [:]
        for start in stride(from: 0, to: postIDs.count, by: 500) {
            let list = postIDs[start..<min(start + 500, postIDs.count)].map { String($0.rawValue) }
                .joined(separator: ",")
            let items = try await database.read { sql in
                try await sql.raw(Self.select + " WHERE i.post_id IN (\(unsafeRaw: list))").all().map(Self.item)
            }
            for item in items { if let postID = item.postID { found[postID] = item } }
        }
        return found
    }

    public func count(_ scope: InboxScope, arrivedAfter since: Date?, awakeAt date: Date, cap: Int) async throws -> Int
    {
        var condition = Self.listed(scope, awakeAt: date)
        if let since {
            // New since then, or given to them since then.
            let millis = since.millisecondsSince1970
            condition =
                condition
                + " AND (i.created_at > \(bind: millis) OR (i.assigned_to = \(bind: scope.memberID.rawValue) AND i.decided_at > \(bind: millis)))"
        }
        let statement: SQLQueryString =
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM inbox_items i WHERE " + condition
            + " LIMIT \(bind: cap)) counted"
        return try await database.read { sql in
            try await sql.raw(statement).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func lastSeen(by memberID: MemberID) async throws -> Date? {
        try await database.read { sql in
            try await sql.select().column("seen_at").from("inbox_seen").where("member_id", .equal, memberID.rawValue)
                .first(decodingColumn: "seen_at", as: Int64.self).map(Date.init(millisecondsSince1970:))
        }
    }

    public func markSeen(by memberID: MemberID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO inbox_seen (member_id, seen_at) VALUES (\(bind: memberID.rawValue), \
                \(bind: date.millisecondsSince1970)) ON CONFLICT (member_id) DO UPDATE SET seen_at = excluded.seen_at
                """
            ).run()
        }
    }

    public func staff() async throws -> [MemberSummary] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, handle, display_name, role, avatar_path FROM members \
                WHERE role IN ('moderator', 'community_manager') ORDER BY display_name, id
                """
            ).all().map { try SQLMemberRepository.summary($0, prefix: "") }
        }
    }

    /// Brings the latest posts written before the inbox saw them (an import) into it; returns how many came in.
    @discardableResult
    public func gather(latest limit: Int, at date: Date) async throws -> Int {
        try await database.write { sql in try await Self.gather(latest: limit, at: date, sql) }
    }

    // MARK: Decisions

    public func decide(_ decision: InboxDecision, at date: Date) async throws -> InboxOutcome {
        let engine = database.engine
        return try await database.write { sql in
            guard let before = try await Self.item(decision.itemID, sql) else {
                throw HearthError.notFound("There is no such item in your inbox.")
            }
            // An answer posted from the inbox may itself have closed the question it answered: that is still the
            // reply's item to mark.
            let reopenable = decision.action == .replied && before.state == .closed && before.decision == nil
            guard before.state == .open || reopenable else { return .alreadyDecided(before) }
            let millis = date.millisecondsSince1970
            var changes: SQLQueryString =
                "decided_by = \(bind: decision.by.rawValue), decision = \(bind: decision.action.rawValue), decided_at = \(bind: millis), updated_at = \(bind: millis)"
            // Kept up twice (a double click, two moderators): the second is told, and nothing is counted twice.
            if decision.action == .pertinent, before.decision == .pertinent { return .alreadyDecided(before) }
            switch decision.action {
            case .handled, .replied:
                changes = changes + ", state = 'handled', awaiting_answer = 0"
            case .ignore:
                changes = changes + ", state = 'ignored', awaiting_answer = 0"
            case .snooze:
                changes = changes + ", snoozed_until = \(bind: decision.until?.millisecondsSince1970)"
            case .assign:
                changes = changes + ", assigned_to = \(bind: decision.assignee?.rawValue)"
            case .pertinent:
                var facts = before.facts
                facts.keptBy = decision.keptBy
                changes =
                    changes + ", facts = \(bind: Self.encode(facts)), "
                    + Self.ranked(InboxRanking.rank(facts, kind: before.kind))
            }
            let states: SQLQueryString = reopenable ? "state = 'closed'" : "state = 'open'"
            let updated = try await sql.raw(
                "UPDATE inbox_items SET " + changes + " WHERE id = \(bind: decision.itemID.rawValue) AND " + states
                    + " RETURNING id"
            ).first()
            guard updated != nil else {
                // Another process's decision landed between the read and the update.
                return .alreadyDecided(try await Self.item(decision.itemID, sql) ?? before)
            }
            if let author = before.author?.id, decision.action == .ignore || decision.action == .pertinent {
                try await Self.mark(author, troll: decision.action == .ignore, at: date, sql)
            }
            if let label = decision.label {
                try await SQLEngineLearningRepository.record(label, at: date, engine: engine, sql)
            }
            guard let after = try await Self.item(decision.itemID, sql) else { return .alreadyDecided(before) }
            return .applied(after)
        }
    }

    /// Counts a mark on the author and ranks their other open items again with it: the next page already shows
    /// the local agitator's other posts lower.
    static func mark(_ author: MemberID, troll: Bool, at date: Date, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO inbox_authors (member_id, trolls, pertinent) VALUES (\(bind: author.rawValue), \
            \(bind: troll ? 1 : 0), \(bind: troll ? 0 : 1)) ON CONFLICT (member_id) DO UPDATE SET \
            trolls = inbox_authors.trolls + excluded.trolls, pertinent = inbox_authors.pertinent + excluded.pertinent
            """
        ).run()
        let marks = try await authorMarks(author, sql)
        let open = try await sql.raw(
            select + " WHERE i.author_id = \(bind: author.rawValue) AND i.state = 'open'"
        ).all().map(item)
        for item in open {
            var facts = item.facts
            facts.authorTrolls = marks.trolls
            facts.authorPertinent = marks.pertinent
            try await rerank(item, facts, at: date, sql)
        }
    }

    static func authorMarks(_ author: MemberID, _ sql: any SQLDatabase) async throws -> (trolls: Int, pertinent: Int) {
        guard
            let row = try await sql.raw(
                "SELECT trolls, pertinent FROM inbox_authors WHERE member_id = \(bind: author.rawValue)"
            ).first()
        else { return (0, 0) }
        return (try row.decode(column: "trolls", as: Int.self), try row.decode(column: "pertinent", as: Int.self))
    }

    // MARK: Ranking again

    public func waitingSince(_ cutoff: Date, limit: Int) async throws -> [InboxItem] {
        try await database.read { sql in
            try await sql.raw(
                Self.select
                    + " WHERE i.awaiting_answer = 1 AND i.waited = 0 AND i.created_at <= \(bind: cutoff.millisecondsSince1970) AND i.state = 'open' ORDER BY i.created_at LIMIT \(bind: limit)"
            ).all().map(Self.item)
        }
    }

    public func openPosts(limit: Int) async throws -> [(InboxItem, String)] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT " + Self.columns
                    + ", p.content AS post_content, CASE WHEN p.number = 1 THEN t.title END AS opening_title "
                    + Self.from
                    + " JOIN posts p ON p.id = i.post_id JOIN topics t ON t.id = p.topic_id WHERE i.state = 'open' AND i.kind = 'post' ORDER BY i.score DESC, i.id DESC LIMIT \(bind: limit)"
            ).all().map { row in
                let body = try PostContent.markdown(row, column: "post_content")
                let title = try row.decode(column: "opening_title", as: String?.self)
                return (try Self.item(row), title.map { $0 + "\n\n" + body } ?? body)
            }
        }
    }

    public func closeUntouched(arrivedBefore cutoff: Date, awakeAt date: Date, limit: Int) async throws -> Int {
        try await database.write { sql in
            // An item snoozed counts from its waking; the conditions are said again outside the subquery, so that
            // on PostgreSQL a decision that landed meanwhile (its row locked, then read again) is left alone.
            let untouched: SQLQueryString = """
                state = 'open' AND COALESCE(snoozed_until, created_at) < \(bind: cutoff.millisecondsSince1970) \
                AND assigned_to IS NULL AND (decision IS NULL OR decision NOT IN ('pertinent', 'assign')) \
                AND (snoozed_until IS NULL OR snoozed_until <= \(bind: date.millisecondsSince1970))
                """
            return try await sql.raw(
                "UPDATE inbox_items SET state = 'closed', awaiting_answer = 0, updated_at = \(bind: date.millisecondsSince1970) WHERE "
                    + untouched + " AND id IN (SELECT id FROM inbox_items WHERE " + untouched
                    + " ORDER BY created_at LIMIT \(bind: limit)) RETURNING id"
            ).all().count
        }
    }

    public func rerank(_ ids: [InboxItemID], at date: Date, _ change: @escaping @Sendable (inout InboxFacts) -> Void)
        async throws
    {
        guard !ids.isEmpty else { return }
        try await database.write { sql in
            for id in ids {
                guard let item = try await Self.item(id, sql), item.state == .open else { continue }
                var facts = item.facts
                change(&facts)
                try await Self.rerank(item, facts, at: date, sql)
            }
        }
    }

    /// Ranks an item again from new facts and stores both.
    static func rerank(_ item: InboxItem, _ facts: InboxFacts, at date: Date, _ sql: any SQLDatabase) async throws {
        try await store(item.id, facts, InboxRanking.rank(facts, kind: item.kind), at: date, sql)
    }

    /// Stores an open item's facts and rank; one whose rank says it no longer belongs leaves the inbox, unless
    /// someone was given it or kept it up.
    static func store(_ id: InboxItemID, _ facts: InboxFacts, _ rank: InboxRank, at date: Date, _ sql: any SQLDatabase)
        async throws
    {
        let awaiting = facts.answeredBy == nil
        try await sql.raw(
            "UPDATE inbox_items SET facts = \(bind: encode(facts)), " + ranked(rank)
                + ", state = CASE WHEN assigned_to IS NOT NULL THEN 'open' ELSE \(bind: rank.listed || facts.keptBy != nil ? "open" : "closed") END, awaiting_answer = CASE WHEN kind = 'post' THEN \(bind: awaiting && rank.listed ? 1 : 0) ELSE 0 END, waited = \(bind: facts.waited ? 1 : 0), updated_at = \(bind: date.millisecondsSince1970) WHERE id = \(bind: id.rawValue) AND state = 'open'"
        ).run()
    }

    static func ranked(_ rank: InboxRank) -> SQLQueryString {
        "score = \(bind: rank.score), reasons = \(bind: encode(rank.reasons))"
    }

    // MARK: Rows

    /// Open, awake, and in the scope.
    static func listed(_ scope: InboxScope, awakeAt date: Date) -> SQLQueryString {
        var condition: SQLQueryString =
            "i.state = 'open' AND (i.snoozed_until IS NULL OR i.snoozed_until <= \(bind: date.millisecondsSince1970))"
        let mine: SQLQueryString = "i.assigned_to = \(bind: scope.memberID.rawValue)"
        if scope.assignedOnly {
            condition = condition + " AND " + mine
        } else if let categories = scope.categories {
            let list = categories.map { String($0.rawValue) }.sorted().joined(separator: ",")
            condition = condition + " AND (i.category_id IN (\(unsafeRaw: list.isEmpty ? "0" : list)) OR " + mine + ")"
        }
        return condition
    }

    static let select: SQLQueryString = "SELECT " + columns + " " + from

    static let columns: SQLQueryString = """
        i.id, i.kind, i.post_id, i.topic_id, i.category_id, i.facts, i.reasons, i.score, i.state, \
        i.snoozed_until, i.created_at, i.decision, i.decided_at, \
        a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, a.role AS a_role, \
        a.avatar_path AS a_avatar_path, \
        s.id AS s_id, s.handle AS s_handle, s.display_name AS s_display_name, s.role AS s_role, \
        d.id AS d_id, d.handle AS d_handle, d.display_name AS d_display_name, d.role AS d_role
        """

    static let from: SQLQueryString = """
        FROM inbox_items i LEFT JOIN members a ON a.id = i.author_id LEFT JOIN members s ON s.id = i.assigned_to \
        LEFT JOIN members d ON d.id = i.decided_by
        """

    static func item(_ id: InboxItemID, _ sql: any SQLDatabase) async throws -> InboxItem? {
        try await sql.raw(select + " WHERE i.id = \(bind: id.rawValue)").first().map(item)
    }

    @Sendable static func item(_ row: any SQLRow) throws -> InboxItem {
        func summary(_ prefix: String) throws -> MemberSummary? {
            try row.decode(column: prefix + "id", as: Int64?.self) == nil
                ? nil : try SQLMemberRepository.summary(row, prefix: prefix)
        }
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
        }
        return InboxItem(
            id: InboxItemID(try row.decode(column: "id", as: Int64.self)),
            kind: InboxItem.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .post,
            postID: try row.decode(column: "post_id", as: Int64?.self).map(PostID.init(rawValue:)),
            topicID: try row.decode(column: "topic_id", as: Int64?.self).map(TopicID.init(rawValue:)),
            categoryID: try row.decode(column: "category_id", as: Int64?.self).map(CategoryID.init(rawValue:)),
            author: try summary("a_"),
            facts: decode(InboxFacts.self, try row.decode(column: "facts", as: String.self)) ?? InboxFacts(),
            score: try row.decode(column: "score", as: Double.self),
            reasons: decode([InboxReason].self, try row.decode(column: "reasons", as: String.self)) ?? [],
            createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0),
            state: InboxItem.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .closed,
            snoozedUntil: try date("snoozed_until"), assignedTo: try summary("s_"), decidedBy: try summary("d_"),
            decision: try row.decode(column: "decision", as: String?.self).flatMap(InboxAction.init(rawValue:)),
            decidedAt: try date("decided_at"))
    }

    static func encode(_ facts: InboxFacts) -> String {
        InboxJSON.encode(facts) ?? encoded(facts)
    }

    static func encode(_ reasons: [InboxReason]) -> String {
        InboxJSON.encode(reasons)
    }

    /// Through Foundation: what `InboxJSON` cannot write (a number that is not finite, refused there too: "{}").
    private static func encoded<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
