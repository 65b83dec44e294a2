import Foundation
import HearthCore
import SQLKit

/// What the people pass keeps (`member_levels`, the members' trust columns, `people_segments`, `people_passes`) and
/// the attention measures; its reading of every member's activity is in `SQLPeopleRepository+Activity.swift`.
public struct SQLPeopleRepository: PeopleRepository {
    let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    static let day: Int64 = 86_400_000
    static let week: Int64 = 7 * day

    /// A question: its title asks one, or the engine read its first post as one.
    static let isQuestion: SQLQueryString = """
        (t.title LIKE '%?%' OR EXISTS (SELECT 1 FROM posts q JOIN post_readings r ON r.post_id = q.id \
        WHERE q.topic_id = t.id AND q.number = 1 AND r.feedback_kind = 'question'))
        """

    /// When someone other than its author first replied after post `f` of `t`'s topic.
    static func firstAnswer(after post: String, by author: String) -> SQLQueryString {
        """
        (SELECT o.created_at FROM posts o WHERE o.topic_id = \(unsafeRaw: post).topic_id \
        AND o.number > \(unsafeRaw: post).number AND o.author_id <> \(unsafeRaw: author) AND o.deleted_at IS NULL \
        AND o.moderation = 'visible' ORDER BY o.number LIMIT 1)
        """
    }

    public func topicsForAttention(since date: Date) async throws -> [TopicAttention] {
        try await database.scan { sql in
            try await sql.raw(
                """
                SELECT m.created_at AS joined, t.created_at, \(Self.firstAnswer(after: "p", by: "t.author_id")) \
                AS answered, CASE WHEN \(Self.isQuestion) THEN 1 ELSE 0 END AS question FROM topics t \
                JOIN members m ON m.id = t.author_id JOIN posts p ON p.topic_id = t.id AND p.number = 1 \
                WHERE t.created_at >= \(bind: date.millisecondsSince1970) AND t.deleted_at IS NULL \
                AND t.held_at IS NULL AND m.role = 'member'
                """
            ).all().map { row in
                TopicAttention(
                    authorJoinedAt: try SQLForumRepository.date(row, "joined"),
                    createdAt: try SQLForumRepository.date(row, "created_at"),
                    firstReplyAt: try SQLForumRepository.optionalDate(row, "answered"),
                    isQuestion: try Self.int(row, "question") != 0)
            }
        }
    }

    public func staffReplies(since date: Date) async throws -> [AttendedMember] {
        try await database.scan { sql in
            try await sql.raw(
                """
                SELECT t.author_id, m.handle, COUNT(*) AS n FROM members s \
                JOIN posts p ON p.author_id = s.id AND p.created_at >= \(bind: date.millisecondsSince1970) \
                JOIN topics t ON t.id = p.topic_id JOIN members m ON m.id = t.author_id \
                WHERE s.role <> 'member' AND m.role = 'member' AND p.number > 1 AND p.deleted_at IS NULL \
                AND p.moderation = 'visible' AND t.deleted_at IS NULL \
                GROUP BY t.author_id, m.handle ORDER BY n DESC, t.author_id
                """
            ).all().map { row in
                let id = try row.decode(column: "author_id", as: Int64.self)
                return AttendedMember(
                    memberID: MemberID(id),
                    handle: try row.decode(column: "handle", as: String?.self) ?? "member\(id)",
                    replies: try Self.int(row, "n"))
            }
        }
    }

    public func save(_ pass: PeoplePass) async throws {
        let encoder = JSONEncoder()
        let equity = String(decoding: try encoder.encode(pass.equity), as: UTF8.self)
        let segments: [[any Encodable & Sendable]] = try pass.segments.map { row in
            [
                row.segment.rawValue, row.memberID.rawValue, row.rank,
                String(decoding: try encoder.encode(row.reasons), as: UTF8.self), row.topicID?.rawValue,
            ]
        }
        let levels: [[any Encodable & Sendable]] = (pass.levels ?? []).map { member, level, score in
            [member.rawValue, pass.week.description, Int64(level.rawValue), score]
        }
        let yearAgo = ISOWeek(containing: pass.at.addingTimeInterval(-52 * 7 * 86_400), in: .gmt)
        try await database.write { sql in
            if pass.levels != nil {
                try await sql.delete(from: "member_levels").where("week", .lessThan, yearAgo.description).run()
                try await sql.update("people_passes").set("levels_on", to: pass.day.description)
                    .where("id", .equal, 1).run()
            }
            _ = try await MultiRowInsert.run(levels, on: sql) { rows in
                MultiRowInsert(
                    head: "INSERT INTO member_levels (member_id, week, level, score) VALUES ",
                    row: [
                        .text("("), .value(0), .text(", "), .value(1), .text(", "), .value(2), .text(", "), .value(3),
                        .text(")"),
                    ], rows: rows,
                    tail: " ON CONFLICT (member_id, week) DO UPDATE SET level = excluded.level, score = excluded.score")
            }
            // Most changes are whole groups moving up a rung; a grace period is written member by member.
            let moves = Dictionary(grouping: pass.trust.filter { $0.belowSince == nil }, by: { $0.1 })
            for (level, members) in moves {
                for chunk in stride(from: 0, to: members.count, by: 500) {
                    let ids = members[chunk..<min(members.count, chunk + 500)].map {
                        "\(bind: $0.0.rawValue)" as SQLQueryString
                    }
                    try await sql.raw(
                        """
                        UPDATE members SET trust_level = \(bind: level.rawValue), trust_below_since = NULL \
                        WHERE trust_locked = 0 AND id IN (\(ids.joined(separator: ", ")))
                        """
                    ).run()
                }
            }
            for (member, level, below) in pass.trust where below != nil {
                try await sql.update("members").set("trust_level", to: level.rawValue)
                    .set("trust_below_since", to: below?.millisecondsSince1970)
                    .where("id", .equal, member.rawValue).where("trust_locked", .equal, 0).run()
            }
            try await sql.delete(from: "people_segments").run()
            _ = try await MultiRowInsert.run(segments, on: sql) { rows in
                MultiRowInsert(
                    into: "people_segments", columns: ["segment", "member_id", "rank", "reasons", "topic_id"],
                    rows: rows)
            }
            try await sql.raw(
                """
                INSERT INTO people_passes (id, ran_at, week, equity) VALUES (1, \(bind: pass.at.millisecondsSince1970), \
                \(bind: pass.week.description), \(bind: equity)) ON CONFLICT (id) DO UPDATE SET ran_at = excluded.ran_at, \
                week = excluded.week, equity = excluded.equity
                """
            ).run()
        }
    }

    public func claimPass(at date: Date, unlessClaimedAfter threshold: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO people_passes (id, ran_at, week, equity, claimed_at) \
                VALUES (1, 0, '', 'null', \(bind: date.millisecondsSince1970)) ON CONFLICT (id) DO UPDATE \
                SET claimed_at = excluded.claimed_at \
                WHERE people_passes.claimed_at <= \(bind: threshold.millisecondsSince1970) RETURNING id
                """
            ).first() != nil
        }
    }

    public func levelsWrittenOn() async throws -> CalendarDay? {
        try await database.read { sql in
            try await sql.raw("SELECT levels_on FROM people_passes WHERE id = 1").first()?
                .decode(column: "levels_on", as: String?.self).flatMap(CalendarDay.init)
        }
    }

    public func segment(_ segment: PeopleSegment, after cursor: PeopleCursor?, limit: Int) async throws -> PeoplePage {
        try await database.read { sql in
            let pass = try await sql.raw("SELECT ran_at, week FROM people_passes WHERE id = 1 AND ran_at > 0").first()
            let week = try pass?.decode(column: "week", as: String.self) ?? ""
            var after: SQLQueryString = ""
            if let cursor {
                // A row value, so that both engines seek in the index instead of filtering the segment from its top.
                after = """
                     AND (s.rank, s.member_id) < (\(bind: cursor.rank), \(bind: cursor.memberID.rawValue))
                    """
            }
            let rows = try await sql.raw(
                """
                SELECT s.rank, s.reasons, s.topic_id, m.id, m.handle, m.display_name, m.role, m.avatar_path, m.role_badge, \
                m.created_at, m.trust_level, l.level FROM people_segments s JOIN members m ON m.id = s.member_id \
                LEFT JOIN member_levels l ON l.member_id = s.member_id AND l.week = \(bind: week) \
                WHERE s.segment = \(bind: segment.rawValue) AND m.handle IS NOT NULL\(after) ORDER BY s.rank DESC, s.member_id DESC \
                LIMIT \(bind: limit + 1)
                """
            ).all()
            let decoder = JSONDecoder()
            let entries = try rows.prefix(limit).map { row in
                PersonEntry(
                    member: try SQLMemberRepository.summary(row, prefix: ""),
                    joinedAt: try SQLForumRepository.date(row, "created_at"),
                    reasons: try decoder.decode(
                        [PersonReason].self, from: Data(try row.decode(column: "reasons", as: String.self).utf8)),
                    level: EngagementLevel(rawValue: try row.decode(column: "level", as: Int?.self) ?? 4) ?? .explorer,
                    trust: TrustLevel(rawValue: try row.decode(column: "trust_level", as: String.self)) ?? .basic,
                    rank: try row.decode(column: "rank", as: Double.self),
                    topicID: try row.decode(column: "topic_id", as: Int64?.self).map(TopicID.init(rawValue:)))
            }
            let next =
                rows.count > limit ? entries.last.map { PeopleCursor(rank: $0.rank, memberID: $0.member.id) } : nil
            return PeoplePage(
                segment: segment, entries: entries, next: next,
                computedAt: try pass.map { try SQLForumRepository.date($0, "ran_at") }
            )
        }
    }

    public func equity() async throws -> (AttentionEquity, Date)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw("SELECT ran_at, equity FROM people_passes WHERE id = 1 AND ran_at > 0")
                    .first()
            else { return nil }
            let equity = try JSONDecoder().decode(
                AttentionEquity.self, from: Data(try row.decode(column: "equity", as: String.self).utf8))
            return (equity, try SQLForumRepository.date(row, "ran_at"))
        }
    }

    public func standing(of memberID: MemberID, weeks: Int) async throws -> MemberStanding? {
        try await database.read { sql in
            guard
                let member = try await sql.raw(
                    "SELECT trust_level, trust_locked FROM members WHERE id = \(bind: memberID.rawValue)"
                ).first()
            else { return nil }
            let history = try await sql.raw(
                """
                SELECT week, level, score FROM member_levels WHERE member_id = \(bind: memberID.rawValue) \
                ORDER BY week DESC LIMIT \(bind: weeks)
                """
            ).all().compactMap { row -> LevelRecord? in
                guard let week = ISOWeek(try row.decode(column: "week", as: String.self)),
                    let level = EngagementLevel(rawValue: try Self.int(row, "level"))
                else { return nil }
                return LevelRecord(week: week, level: level, score: try row.decode(column: "score", as: Double.self))
            }
            return MemberStanding(
                trust: TrustLevel(rawValue: try member.decode(column: "trust_level", as: String.self)) ?? .basic,
                trustLocked: try member.decode(column: "trust_locked", as: Int64.self) != 0,
                // No level kept: nothing to count this year, the least engaged level.
                level: history.first?.level ?? .explorer,
                move: history.first.map { LevelMove(from: history.dropFirst().first?.level, to: $0.level) },
                history: history)
        }
    }

    public func setTrust(_ memberID: MemberID, to level: TrustLevel, locked: Bool) async throws {
        try await database.write { sql in
            try await sql.update("members").set("trust_level", to: level.rawValue)
                .set("trust_locked", to: locked ? 1 : 0).set(SQLIdentifier("trust_below_since"), to: SQLLiteral.null)
                .where("id", .equal, memberID.rawValue).run()
        }
    }

    static func int(_ row: any SQLRow, _ column: String) throws -> Int {
        Int(try row.decode(column: column, as: Int64.self))
    }
}
