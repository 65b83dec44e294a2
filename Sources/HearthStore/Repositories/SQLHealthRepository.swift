import Foundation
import HearthCore
import SQLKit

/// The health roll-ups: `health_days` (one JSON row of figures per UTC day) and `health_posters` (who wrote on
/// each day), counted from indexed ranges of one day each; `member_visits` gives who came.
public struct SQLHealthRepository: HealthRepository {
    private let database: HearthDatabase
    private static let dayMilliseconds: Int64 = 86_400_000
    /// A reply that counts as an answer: visible, not deleted, by someone other than the topic's author.
    private static let answer: SQLQueryString =
        "p.topic_id = t.id AND p.author_id <> t.author_id AND p.deleted_at IS NULL AND p.moderation = 'visible'"
    /// What the figures count, everywhere: public topics and posts outside staff-only categories (`t`, `c`).
    private static let counted: SQLQueryString = "\(PublicPosts.topicCondition) AND c.read_policy <> 'staff'"

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func rollUp(day: Int64, at date: Date) async throws -> HealthDay {
        let start = day * Self.dayMilliseconds
        let end = start + Self.dayMilliseconds
        let counted = try await database.read { sql in
            var figures = HealthDay(day: day)
            let topics = try await sql.raw(
                """
                SELECT t.author_id, m.created_at AS joined, \
                (SELECT MIN(p.created_at) FROM posts p WHERE \(Self.answer)) AS first_reply, \
                (SELECT r.feedback_kind FROM posts f JOIN post_readings r ON r.post_id = f.id \
                WHERE f.topic_id = t.id AND f.number = 1) AS kind, t.created_at, t.title \
                FROM topics t JOIN members m ON m.id = t.author_id JOIN categories c ON c.id = t.category_id \
                WHERE t.created_at >= \(bind: start) AND t.created_at < \(bind: end) AND \(Self.counted)
                """
            ).all()
            for row in topics {
                let created = try row.decode(column: "created_at", as: Int64.self)
                let joined = try row.decode(column: "joined", as: Int64.self)
                let firstReply = try row.decode(column: "first_reply", as: Int64?.self)
                // A question: what the engine read as one, or a title that asks one.
                let question =
                    try row.decode(column: "kind", as: String?.self) == "question"
                    || row.decode(column: "title", as: String.self).trimmingCharacters(in: .whitespaces).hasSuffix("?")
                figures.topics += 1
                if question { figures.questions += 1 }
                guard let firstReply else {
                    figures.unanswered += 1
                    continue
                }
                if question { figures.questionsAnswered += 1 }
                let seconds = Int(max(0, firstReply - created) / 1_000)
                if created - joined < Int64(InboxRules.newcomerDays) * Self.dayMilliseconds {
                    figures.firstReplyNewcomers.append(seconds)
                } else {
                    figures.firstReplyRegulars.append(seconds)
                }
            }
            let posts = try await sql.raw(
                """
                SELECT COUNT(CASE WHEN p.number > 1 THEN 1 END) AS replies, COUNT(r.post_id) AS readings, \
                CAST(SUM(r.sentiment) AS DOUBLE PRECISION) AS sentiment, \
                COUNT(CASE WHEN r.toxicity >= 0.5 THEN 1 END) AS toxic \
                FROM posts p JOIN topics t ON t.id = p.topic_id JOIN categories c ON c.id = t.category_id \
                LEFT JOIN post_readings r ON r.post_id = p.id \
                WHERE p.created_at >= \(bind: start) AND p.created_at < \(bind: end) AND \(PublicPosts.condition) \
                AND c.read_policy <> 'staff'
                """
            ).first()
            figures.replies = try posts?.decode(column: "replies", as: Int.self) ?? 0
            figures.readings = try posts?.decode(column: "readings", as: Int.self) ?? 0
            figures.sentimentSum = try posts?.decode(column: "sentiment", as: Double?.self) ?? 0
            figures.toxic = try posts?.decode(column: "toxic", as: Int.self) ?? 0
            figures.newMembers = try await Self.count(
                "SELECT COUNT(*) AS n FROM members WHERE created_at >= \(bind: start) AND created_at < \(bind: end)",
                sql)
            figures.flags = try await Self.count(
                "SELECT COUNT(*) AS n FROM flags WHERE created_at >= \(bind: start) AND created_at < \(bind: end)", sql)
            let review = try await sql.raw(
                """
                SELECT kind, created_at, handled_at FROM review_items \
                WHERE created_at >= \(bind: start) AND created_at < \(bind: end)
                """
            ).all()
            for row in review {
                figures.reviewItems += 1
                if try row.decode(column: "kind", as: String.self) == ReviewItem.Kind.heldPost.rawValue {
                    figures.held += 1
                }
                if let handled = try row.decode(column: "handled_at", as: Int64?.self) {
                    let created = try row.decode(column: "created_at", as: Int64.self)
                    figures.handleSeconds.append(Int(max(0, handled - created) / 1_000))
                }
            }
            for row in try await sql.raw(
                """
                SELECT role_name, COUNT(*) AS n FROM moderation_log WHERE created_at >= \(bind: start) \
                AND created_at < \(bind: end) AND role_name IS NOT NULL GROUP BY role_name
                """
            ).all() {
                figures.delegateActs[try row.decode(column: "role_name", as: String.self)] = try row.decode(
                    column: "n", as: Int.self)
            }
            return figures
        }
        return try await database.write { sql in
            var figures = counted
            try await sql.delete(from: "health_posters").where("day", .equal, day).run()
            try await sql.raw(
                """
                INSERT INTO health_posters (day, member_id) SELECT DISTINCT \(bind: day), p.author_id FROM posts p \
                JOIN topics t ON t.id = p.topic_id JOIN categories c ON c.id = t.category_id \
                WHERE p.created_at >= \(bind: start) AND p.created_at < \(bind: end) AND \(PublicPosts.condition) \
                AND c.read_policy <> 'staff' ON CONFLICT DO NOTHING
                """
            ).run()
            figures.posters = try await Self.count(
                "SELECT COUNT(*) AS n FROM health_posters WHERE day = \(bind: day)", sql)
            figures.readers = try await Self.count(
                """
                SELECT COUNT(*) AS n FROM member_visits v WHERE v.day = \(bind: day) AND NOT EXISTS \
                (SELECT 1 FROM health_posters h WHERE h.day = v.day AND h.member_id = v.member_id)
                """, sql)
            var posters = DistinctSketch()
            var active = DistinctSketch()
            for id in try await sql.raw("SELECT member_id FROM health_posters WHERE day = \(bind: day)").all(
                decodingColumn: "member_id", as: Int64.self)
            {
                posters.insert(id)
                active.insert(id)
            }
            for id in try await sql.raw("SELECT member_id FROM member_visits WHERE day = \(bind: day)").all(
                decodingColumn: "member_id", as: Int64.self)
            {
                active.insert(id)
            }
            (figures.postersSketch, figures.activeSketch) = (posters, active)
            let json = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
            try await sql.raw(
                """
                INSERT INTO health_days (day, figures, counted_at) \
                VALUES (\(bind: day), \(bind: json), \(bind: date.millisecondsSince1970)) \
                ON CONFLICT (day) DO UPDATE SET figures = excluded.figures, counted_at = excluded.counted_at
                """
            ).run()
            return figures
        }
    }

    public func days(_ days: ClosedRange<Int64>) async throws -> [HealthDay] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT figures FROM health_days WHERE day >= \(bind: days.lowerBound) \
                AND day <= \(bind: days.upperBound) ORDER BY day
                """
            ).all().map {
                try JSONDecoder().decode(
                    HealthDay.self, from: Data(try $0.decode(column: "figures", as: String.self).utf8))
            }
        }
    }

    public func firstPostDay() async throws -> Int64? {
        try await database.read { sql in
            try await sql.raw("SELECT MIN(created_at) AS first FROM posts").first()?
                .decode(column: "first", as: Int64?.self).map { $0 / Self.dayMilliseconds }
        }
    }

    public func rolledUp(_ days: ClosedRange<Int64>) async throws -> [Int64: Date] {
        try await database.read { sql in
            var counted: [Int64: Date] = [:]
            for row in try await sql.raw(
                """
                SELECT day, counted_at FROM health_days WHERE day >= \(bind: days.lowerBound) \
                AND day <= \(bind: days.upperBound)
                """
            ).all() {
                counted[try row.decode(column: "day", as: Int64.self)] = Date(
                    millisecondsSince1970: try row.decode(column: "counted_at", as: Int64.self))
            }
            return counted
        }
    }

    public func cohort(joined: Range<Date>, afterWeeks: [Int]) async throws -> (size: Int, retained: [Int]) {
        let (start, end) = (joined.lowerBound.millisecondsSince1970, joined.upperBound.millisecondsSince1970)
        return try await database.read { sql in
            let size = try await Self.count(
                "SELECT COUNT(*) AS n FROM members WHERE created_at >= \(bind: start) AND created_at < \(bind: end)",
                sql)
            var retained: [Int] = []
            for weeks in afterWeeks {
                let from = Int64(weeks * 7)
                let day: SQLQueryString = "m.created_at / \(unsafeRaw: String(Self.dayMilliseconds))"
                retained.append(
                    try await Self.count(
                        """
                        SELECT COUNT(*) AS n FROM members m WHERE m.created_at >= \(bind: start) \
                        AND m.created_at < \(bind: end) AND (EXISTS (SELECT 1 FROM member_visits v \
                        WHERE v.member_id = m.id AND v.day >= \(day) + \(bind: from) AND v.day < \(day) + \(bind: from + 7)) \
                        OR EXISTS (SELECT 1 FROM health_posters h WHERE h.member_id = m.id \
                        AND h.day >= \(day) + \(bind: from) AND h.day < \(day) + \(bind: from + 7)))
                        """, sql))
            }
            return (size, retained)
        }
    }

    public func unansweredTopics(_ range: Range<Date>, limit: Int) async throws -> [HealthTopic] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT t.id, t.title, t.created_at FROM topics t JOIN categories c ON c.id = t.category_id \
                WHERE t.created_at >= \(bind: range.lowerBound.millisecondsSince1970) \
                AND t.created_at < \(bind: range.upperBound.millisecondsSince1970) AND \(Self.counted) \
                AND NOT EXISTS (SELECT 1 FROM posts p WHERE \(Self.answer)) \
                ORDER BY t.created_at, t.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                HealthTopic(
                    id: TopicID(try row.decode(column: "id", as: Int64.self)),
                    title: try row.decode(column: "title", as: String.self),
                    startedAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    static func count(_ query: SQLQueryString, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
