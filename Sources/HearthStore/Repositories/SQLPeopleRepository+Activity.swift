import Foundation
import HearthCore
import SQLKit

/// The people pass's reading of every member's activity: a handful of grouped scans, one per kind of activity, each
/// folded into the members read first.
extension SQLPeopleRepository {
    public func activity(
        at date: Date, weeks: Int, recentDays: Int, previousWeek: ISOWeek
    ) async throws -> [PersonActivity] {
        let now = date.millisecondsSince1970
        let horizon = now - Int64(weeks) * Self.week
        let recent = now - Int64(recentDays) * Self.day
        let month = now - 30 * Self.day
        let earlier = now - 120 * Self.day
        let quarter = now - 90 * Self.day
        let today = SQLSessionRepository.day(date)
        return try await database.scan { sql in
            var members: [Int64: PersonActivity] = [:]
            for row in try await sql.raw(
                """
                SELECT id, created_at, role, trust_level, trust_locked, trust_below_since, silenced_until, \
                suspended_until, warned_until FROM members WHERE handle IS NOT NULL AND created_at <= \(bind: now)
                """
            ).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                var member = PersonActivity(
                    memberID: MemberID(id), joinedAt: try SQLForumRepository.date(row, "created_at"),
                    role: try SQLMemberRepository.role(row.decode(column: "role", as: String.self)),
                    trust: TrustLevel(rawValue: try row.decode(column: "trust_level", as: String.self)) ?? .basic)
                member.trustLocked = try row.decode(column: "trust_locked", as: Int64.self) != 0
                member.trustBelowSince = try SQLForumRepository.optionalDate(row, "trust_below_since")
                for (column, kind) in [
                    ("suspended_until", Penalty.Kind.suspend), ("silenced_until", .silence), ("warned_until", .warn),
                ] {
                    if member.penalty == nil, let until = try SQLForumRepository.optionalDate(row, column), until > date
                    {
                        member.penalty = (kind, until)
                    }
                }
                members[id] = member
            }
            func each(_ query: SQLQueryString, _ apply: (inout PersonActivity, any SQLRow) throws -> Void) async throws
            {
                for row in try await sql.raw(query).all() {
                    let id = try row.decode(column: "member_id", as: Int64.self)
                    guard members[id] != nil else { continue }
                    try apply(&members[id]!, row)
                }
            }
            func weekOf(_ row: any SQLRow) throws -> Int { Int(try row.decode(column: "w", as: Int64.self)) }

            // Weeks of activity, for engagement.
            try await each(
                """
                SELECT p.author_id AS member_id, (\(bind: now) - p.created_at) / \(bind: Self.week) AS w, \
                COUNT(CASE WHEN p.number = 1 THEN 1 END) AS started, \
                COUNT(CASE WHEN p.number > 1 AND t.author_id <> p.author_id THEN 1 END) AS to_others, \
                COUNT(CASE WHEN p.number > 1 AND t.author_id = p.author_id THEN 1 END) AS own \
                FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.created_at > \(bind: horizon) \
                AND p.created_at <= \(bind: now) AND p.deleted_at IS NULL AND p.moderation = 'visible' \
                GROUP BY p.author_id, w
                """
            ) { member, row in
                let w = try weekOf(row)
                member.weeks[w, default: WeekActivity()].topicsStarted = try Self.int(row, "started")
                member.weeks[w, default: WeekActivity()].repliesToOthers = try Self.int(row, "to_others")
                member.weeks[w, default: WeekActivity()].otherReplies = try Self.int(row, "own")
            }
            try await each(
                """
                SELECT p.author_id AS member_id, (\(bind: now) - r.created_at) / \(bind: Self.week) AS w, \
                COUNT(*) AS n, COUNT(CASE WHEN r.kind = 'thanks' THEN 1 END) AS thanks \
                FROM reactions r JOIN posts p ON p.id = r.post_id WHERE r.created_at > \(bind: horizon) \
                AND r.created_at <= \(bind: now) AND r.member_id <> p.author_id GROUP BY p.author_id, w
                """
            ) { member, row in
                let w = try weekOf(row)
                let thanks = try Self.int(row, "thanks")
                member.weeks[w, default: WeekActivity()].thanksReceived = thanks
                member.weeks[w, default: WeekActivity()].reactionsReceived = try Self.int(row, "n") - thanks
            }
            try await each(
                """
                SELECT member_id, (\(bind: now) - created_at) / \(bind: Self.week) AS w, COUNT(*) AS n \
                FROM reactions WHERE created_at > \(bind: horizon) AND created_at <= \(bind: now) GROUP BY member_id, w
                """
            ) { member, row in
                member.weeks[try weekOf(row), default: WeekActivity()].reactionsGiven = try Self.int(row, "n")
            }
            try await each(
                """
                SELECT member_id, (\(bind: today) - day) / 7 AS w, COUNT(*) AS n FROM member_visits \
                WHERE day > \(bind: today - Int64(weeks) * 7) AND day <= \(bind: today) GROUP BY member_id, w
                """
            ) { member, row in
                member.weeks[try weekOf(row), default: WeekActivity()].daysVisited = try Self.int(row, "n")
            }

            // The trust ladder's counts, and the segments' facts.
            try await each(
                """
                SELECT member_id, COUNT(*) AS total, COUNT(CASE WHEN day > \(bind: today - Int64(recentDays)) THEN 1 END) \
                AS recent, COUNT(CASE WHEN day > \(bind: today - 30) THEN 1 END) AS month FROM member_visits \
                WHERE day <= \(bind: today) GROUP BY member_id
                """
            ) { member, row in
                member.trustActivity.daysVisited = try Self.int(row, "total")
                member.trustActivity.recentDaysVisited = try Self.int(row, "recent")
                member.recentDaysVisited = try Self.int(row, "month")
            }
            try await each(
                """
                SELECT author_id AS member_id, COUNT(*) AS total, COUNT(CASE WHEN number > 1 THEN 1 END) AS replies, \
                COUNT(CASE WHEN number > 1 AND created_at > \(bind: recent) THEN 1 END) AS recent_replies, \
                COUNT(CASE WHEN created_at > \(bind: month) THEN 1 END) AS month, \
                COUNT(CASE WHEN created_at > \(bind: earlier) AND created_at <= \(bind: month) THEN 1 END) AS earlier, \
                MAX(created_at) AS last FROM posts WHERE deleted_at IS NULL AND moderation = 'visible' \
                AND created_at <= \(bind: now) GROUP BY author_id
                """
            ) { member, row in
                member.totalPosts = try Self.int(row, "total")
                member.trustActivity.replies = try Self.int(row, "replies")
                member.trustActivity.recentReplies = try Self.int(row, "recent_replies")
                member.recentPosts = try Self.int(row, "month")
                member.earlierPosts = try Self.int(row, "earlier")
                member.lastPostAt = try SQLForumRepository.optionalDate(row, "last")
            }
            try await each(
                """
                SELECT member_id, COUNT(*) AS n, COUNT(CASE WHEN created_at > \(bind: recent) THEN 1 END) AS recent \
                FROM reactions WHERE created_at <= \(bind: now) GROUP BY member_id
                """
            ) { member, row in
                member.trustActivity.likesGiven = try Self.int(row, "n")
                member.trustActivity.recentLikesGiven = try Self.int(row, "recent")
            }
            try await each(
                """
                SELECT p.author_id AS member_id, COUNT(*) AS n, \
                COUNT(CASE WHEN r.created_at > \(bind: recent) THEN 1 END) AS recent FROM reactions r \
                JOIN posts p ON p.id = r.post_id WHERE r.member_id <> p.author_id AND r.created_at <= \(bind: now) \
                GROUP BY p.author_id
                """
            ) { member, row in
                member.trustActivity.likesReceived = try Self.int(row, "n")
                member.trustActivity.recentLikesReceived = try Self.int(row, "recent")
            }
            try await each(
                "SELECT member_id, CAST(SUM(last_read_number) AS BIGINT) AS n FROM topic_reads GROUP BY member_id"
            ) { member, row in
                member.trustActivity.postsRead = try Self.int(row, "n")
            }
            try await each(
                """
                SELECT p.author_id AS member_id, \
                COUNT(DISTINCT CASE WHEN f.created_at > \(bind: quarter) THEN f.post_id END) AS quarter, \
                COUNT(DISTINCT CASE WHEN f.created_at > \(bind: recent) THEN f.post_id END) AS recent FROM flags f \
                JOIN posts p ON p.id = f.post_id WHERE f.agreed = 1 AND f.created_at > \(bind: min(recent, quarter)) \
                AND f.created_at <= \(bind: now) GROUP BY p.author_id
                """
            ) { member, row in
                member.flagsAgreed = try Self.int(row, "quarter")
                member.trustActivity.recentFlagsAgreed = try Self.int(row, "recent")
            }
            try await each(
                """
                SELECT member_id, COUNT(*) AS n FROM penalties WHERE kind <> 'warn' \
                AND created_at > \(bind: recent) AND created_at <= \(bind: now) GROUP BY member_id
                """
            ) { member, _ in
                member.trustActivity.recentlyPenalised = true
            }
            try await each(
                """
                SELECT f.author_id AS member_id, f.created_at, f.topic_id, \
                \(Self.firstAnswer(after: "f", by: "f.author_id")) \
                AS answered FROM posts f WHERE f.id IN (SELECT MIN(id) FROM posts WHERE deleted_at IS NULL \
                AND moderation = 'visible' AND created_at <= \(bind: now) GROUP BY author_id)
                """
            ) { member, row in
                member.firstPostAt = try SQLForumRepository.date(row, "created_at")
                member.firstTopicID = TopicID(try row.decode(column: "topic_id", as: Int64.self))
                member.firstPostAnsweredAt = try SQLForumRepository.optionalDate(row, "answered").flatMap {
                    $0 <= date ? $0 : nil
                }
            }
            try await each(
                """
                SELECT t.author_id AS member_id, COUNT(*) AS n, MAX(t.id) AS latest FROM topics t WHERE t.deleted_at IS NULL AND t.held_at IS NULL \
                AND t.created_at > \(bind: quarter) AND t.created_at <= \(bind: now - 2 * Self.day) \
                AND \(Self.isQuestion) AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.topic_id = t.id \
                AND o.number > 1 AND o.author_id <> t.author_id AND o.deleted_at IS NULL \
                AND o.moderation = 'visible') GROUP BY t.author_id
                """
            ) { member, row in
                member.unansweredQuestions = try Self.int(row, "n")
                member.unansweredTopicID = TopicID(try row.decode(column: "latest", as: Int64.self))
            }
            try await each(
                "SELECT member_id, level FROM member_levels WHERE week = \(bind: previousWeek.description)"
            ) { member, row in
                member.previousLevel = EngagementLevel(rawValue: try Self.int(row, "level"))
            }
            return members.keys.sorted().compactMap { members[$0] }
        }
    }
}
