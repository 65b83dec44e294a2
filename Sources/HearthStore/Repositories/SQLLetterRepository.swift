import Foundation
import HearthCore
import SQLKit

/// The weekly letters (`letters`, `letter_deliveries`) and the facts a draft is gathered from, each an indexed
/// range over one week: posts, reactions and members by `created_at`, the review queue, the log, the board.
public struct SQLLetterRepository: LetterRepository {
    let database: HearthDatabase
    /// Topics colleagues may read about: public, and not in a staff-only category.
    static let shared: SQLQueryString = "\(PublicPosts.condition) AND c.read_policy <> 'staff'"
    static let joins: SQLQueryString =
        "JOIN topics t ON t.id = p.topic_id JOIN categories c ON c.id = t.category_id"

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func gather(week: ISOWeek, range: Range<Date>) async throws -> LetterDraft {
        let (start, end) = (range.lowerBound.millisecondsSince1970, range.upperBound.millisecondsSince1970)
        return try await database.read { sql in
            var draft = LetterDraft(week: week.description, from: range.lowerBound, to: range.upperBound)
            draft.posts = try await SQLHealthRepository.count(
                """
                SELECT COUNT(*) AS n FROM posts p \(Self.joins) WHERE p.created_at >= \(bind: start) \
                AND p.created_at < \(bind: end) AND \(Self.shared)
                """, sql)
            draft.staff = try await Self.staffWeek(start, end, sql)
            draft.topics = try await Self.bigTopics(start, end, sql)
            draft.mostActive = try await Self.people(
                """
                SELECT m.id, m.display_name, m.handle, COUNT(*) AS n FROM posts p \(Self.joins) \
                JOIN members m ON m.id = p.author_id WHERE p.created_at >= \(bind: start) AND p.created_at < \(bind: end) \
                AND \(Self.shared) AND m.role = 'member' GROUP BY m.id, m.display_name, m.handle \
                ORDER BY n DESC, m.id LIMIT 5
                """, sql)
            draft.newcomers = try await Self.people(
                """
                SELECT m.id, m.display_name, m.handle, 0 AS n FROM members m WHERE m.created_at >= \(bind: start) \
                AND m.created_at < \(bind: end) AND m.role = 'member' ORDER BY m.created_at, m.id LIMIT 10
                """, sql)
            draft.newcomerCount = try await SQLHealthRepository.count(
                """
                SELECT COUNT(*) AS n FROM members WHERE created_at >= \(bind: start) AND created_at < \(bind: end) \
                AND role = 'member'
                """, sql)
            let month = start - 30 * 86_400_000
            let quarter = start - 90 * 86_400_000
            draft.spokeUp = try await Self.people(
                """
                SELECT m.id, m.display_name, m.handle, COUNT(*) AS n FROM posts p \(Self.joins) \
                JOIN members m ON m.id = p.author_id WHERE p.created_at >= \(bind: start) AND p.created_at < \(bind: end) \
                AND \(Self.shared) AND m.role = 'member' AND m.created_at < \(bind: month) AND NOT EXISTS \
                (SELECT 1 FROM posts q WHERE q.author_id = m.id AND q.created_at >= \(bind: quarter) \
                AND q.created_at < \(bind: start)) GROUP BY m.id, m.display_name, m.handle ORDER BY n DESC, m.id LIMIT 5
                """, sql)
            draft.delegates = try await Self.delegates(week, sql)
            draft.images = try await Self.images(start, end, sql)
            draft.board = try await Self.board(start, end, sql)
            return draft
        }
    }

    public func texts(topic: Int64, range: Range<Date>, limit: Int) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT p.content FROM posts p \(Self.joins) WHERE p.topic_id = \(bind: topic) \
                AND p.created_at >= \(bind: range.lowerBound.millisecondsSince1970) \
                AND p.created_at < \(bind: range.upperBound.millisecondsSince1970) AND \(Self.shared) \
                ORDER BY p.number LIMIT \(bind: limit)
                """
            ).all().map { try PostContent.markdown($0) }
        }
    }

    // MARK: Stored letters

    public func save(_ draft: LetterDraft, at date: Date) async throws {
        let json = try Self.json(draft)
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO letters (week, status, draft, drafted_at) \
                VALUES (\(bind: draft.week), 'draft', \(bind: json), \(bind: date.millisecondsSince1970)) \
                ON CONFLICT (week) DO UPDATE SET draft = excluded.draft, drafted_at = excluded.drafted_at \
                WHERE letters.status = 'draft'
                """
            ).run()
        }
    }

    public func letter(week: String) async throws -> Letter? {
        try await database.read { sql in
            guard let row = try await sql.raw("SELECT * FROM letters WHERE week = \(bind: week)").first() else {
                return nil
            }
            let deliveries = try await sql.raw(
                "SELECT * FROM letter_deliveries WHERE week = \(bind: week) ORDER BY id"
            ).all().map(Self.delivery)
            return Letter(
                week: week,
                status: Letter.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                intro: try row.decode(column: "intro", as: String.self),
                excluded: try JSONDecoder().decode(
                    [String].self, from: Data(try row.decode(column: "excluded", as: String.self).utf8)),
                draft: try JSONDecoder().decode(
                    LetterDraft.self, from: Data(try row.decode(column: "draft", as: String.self).utf8)),
                draftedAt: try Self.date(row, "drafted_at") ?? Date(timeIntervalSince1970: 0),
                openedAt: try Self.date(row, "opened_at"), sentAt: try Self.date(row, "sent_at"),
                deliveries: deliveries)
        }
    }

    public func letters(limit: Int) async throws -> [LetterSummary] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT l.week, l.status, l.drafted_at, l.sent_at, \
                (SELECT COUNT(*) FROM letter_deliveries d WHERE d.week = l.week AND d.status = 'sent') AS delivered, \
                (SELECT COUNT(*) FROM letter_deliveries d WHERE d.week = l.week AND d.status = 'failed') AS failed \
                FROM letters l ORDER BY l.week DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                LetterSummary(
                    week: try row.decode(column: "week", as: String.self),
                    status: Letter.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                    draftedAt: try Self.date(row, "drafted_at") ?? Date(timeIntervalSince1970: 0),
                    sentAt: try Self.date(row, "sent_at"), delivered: try row.decode(column: "delivered", as: Int.self),
                    failed: try row.decode(column: "failed", as: Int.self))
            }
        }
    }

    public func edit(week: String, intro: String, excluded: [String]) async throws {
        let list = try Self.json(excluded)
        try await database.write { sql in
            try await sql.update("letters").set("intro", to: intro).set("excluded", to: list)
                .where("week", .equal, week).run()
        }
    }

    public func markOpened(week: String, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("letters").set("opened_at", to: date.millisecondsSince1970)
                .where("week", .equal, week).where("opened_at", .is, SQLLiteral.null).run()
        }
    }

    public func send(week: String, to recipients: [LetterRecipient], by sender: MemberID?, at date: Date)
        async throws -> Bool
    {
        try await database.write { sql in
            let changed = try await sql.update("letters").set("status", to: Letter.Status.sent.rawValue)
                .set("sent_at", to: date.millisecondsSince1970).set("sent_by", to: sender?.rawValue)
                .where("week", .equal, week).where("status", .equal, Letter.Status.draft.rawValue)
                .returning("week").all().count
            guard changed == 1 else { return false }
            try await Self.queue(week, recipients, at: date, sql)
            return true
        }
    }

    public func resend(week: String, to recipients: [LetterRecipient], at date: Date) async throws {
        try await database.write { sql in
            let waiting = Set(
                try await sql.raw(
                    """
                    SELECT address FROM letter_deliveries WHERE week = \(bind: week) \
                    AND status = \(bind: LetterDelivery.Status.queued.rawValue)
                    """
                ).all(decodingColumn: "address", as: String.self))
            try await Self.queue(week, recipients.filter { !waiting.contains($0.address) }, at: date, sql)
        }
    }

    /// One delivery row and its job per recipient.
    static func queue(_ week: String, _ recipients: [LetterRecipient], at date: Date, _ sql: any SQLDatabase)
        async throws
    {
        for recipient in recipients {
            let id =
                try await sql.insert(into: "letter_deliveries")
                .columns("week", "address", "language", "status", "queued_at")
                .values(
                    SQLBind(week), SQLBind(recipient.address), SQLBind(recipient.language.rawValue),
                    SQLBind(LetterDelivery.Status.queued.rawValue), SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self) ?? 0
            try await SQLJobQueue.enqueue(
                try NewJob(kind: .letterMail, LetterMailJob(delivery: id), runAt: date), at: date, sql)
        }
    }

    public func delivery(_ id: Int64) async throws -> (LetterDelivery, week: String)? {
        try await database.read { sql in
            guard let row = try await sql.raw("SELECT * FROM letter_deliveries WHERE id = \(bind: id)").first() else {
                return nil
            }
            return (try Self.delivery(row), try row.decode(column: "week", as: String.self))
        }
    }

    public func recordAttempt(_ id: Int64, error: String?, at date: Date) async throws {
        try await database.write { sql in
            let status: LetterDelivery.Status = error == nil ? .sent : .failed
            try await sql.raw(
                """
                UPDATE letter_deliveries SET attempts = attempts + 1, status = \(bind: status.rawValue), \
                last_error = \(bind: error), sent_at = \(bind: error == nil ? date.millisecondsSince1970 : nil) \
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    public func teamRecipients(fallback: Language) async throws -> [LetterRecipient] {
        try await database.read { sql in
            try await sql.raw(
                "SELECT email, language FROM members WHERE role = 'team' AND email <> '' ORDER BY id"
            ).all().map { row in
                LetterRecipient(
                    address: try row.decode(column: "email", as: String.self),
                    language: try row.decode(column: "language", as: String?.self).flatMap(Language.init(rawValue:))
                        ?? fallback)
            }
        }
    }

    static func delivery(_ row: any SQLRow) throws -> LetterDelivery {
        LetterDelivery(
            id: try row.decode(column: "id", as: Int64.self),
            address: try row.decode(column: "address", as: String.self),
            language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .english,
            status: LetterDelivery.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .queued,
            attempts: try row.decode(column: "attempts", as: Int.self),
            lastError: try row.decode(column: "last_error", as: String?.self), sentAt: try date(row, "sent_at"))
    }

    static func date(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
