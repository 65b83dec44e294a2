import Foundation
import HearthCore
import SQLKit

/// Carrying a status change back: what the job posts and tells, the answers and notices it records.
extension SQLFeedbackRepository {
    public func carryBack(_ changeID: Int64) async throws -> FeedbackCarryBackPlan? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT c.id, c.item_id, c.status, c.note, c.created_at, \
                    m.id AS m_id, m.handle AS m_handle, m.display_name AS m_display_name, m.role AS m_role \
                    FROM feedback_changes c JOIN members m ON m.id = c.member_id WHERE c.id = \(bind: changeID)
                    """
                ).first(),
                let item = try await Self.item(FeedbackItemID(try row.decode(column: "item_id", as: Int64.self)), sql)
            else { return nil }
            let change = FeedbackChange(
                id: changeID,
                status: FeedbackItem.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                note: try row.decode(column: "note", as: String.self),
                by: try SQLMemberRepository.summary(row, prefix: "m_"),
                at: try SQLForumRepository.date(row, "created_at"))
            // A thread speaks its opening post's language: a French reply linked in an English thread gets an
            // English notice. The linked post's language when the opening one's is unknown.
            let linked = try await sql.raw(
                """
                SELECT p.topic_id, COALESCE(NULLIF(ro.language, 'unknown'), r.language, 'unknown') AS language, \
                m.handle FROM feedback_posts fp \
                JOIN posts p ON p.id = fp.post_id JOIN topics t ON t.id = p.topic_id \
                JOIN members m ON m.id = p.author_id LEFT JOIN post_readings r ON r.post_id = p.id \
                LEFT JOIN posts op ON op.topic_id = p.topic_id AND op.number = 1 \
                LEFT JOIN post_readings ro ON ro.post_id = op.id \
                WHERE fp.item_id = \(bind: item.id.rawValue) AND \(PublicPosts.condition) \
                AND NOT EXISTS (SELECT 1 FROM feedback_answers a WHERE a.change_id = \(bind: changeID) \
                AND a.topic_id = p.topic_id) ORDER BY fp.id
                """
            ).all()
            var topics: [(topicID: TopicID, language: String, handles: [String])] = []
            for row in linked {
                let topic = TopicID(try row.decode(column: "topic_id", as: Int64.self))
                let handle = try row.decode(column: "handle", as: String?.self)
                if let index = topics.firstIndex(where: { $0.topicID == topic }) {
                    if let handle, !topics[index].handles.contains(handle) { topics[index].handles.append(handle) }
                } else {
                    topics.append(
                        (topic, try row.decode(column: "language", as: String.self), handle.map { [$0] } ?? []))
                }
            }
            let members = try await sql.raw(
                """
                SELECT p.author_id AS member_id FROM feedback_posts fp JOIN posts p ON p.id = fp.post_id \
                WHERE fp.item_id = \(bind: item.id.rawValue) \
                UNION SELECT member_id FROM feedback_votes WHERE item_id = \(bind: item.id.rawValue) \
                UNION SELECT member_id FROM feedback_follows WHERE item_id = \(bind: item.id.rawValue)
                """
            ).all().map { MemberID(try $0.decode(column: "member_id", as: Int64.self)) }
            return FeedbackCarryBackPlan(
                change: change, item: item, topics: topics, members: members.sorted { $0.rawValue < $1.rawValue })
        }
    }

    public func recordAnswer(change changeID: Int64, topic: TopicID, post: PostID, at date: Date) async throws {
        try await database.write { sql in
            let millis = date.millisecondsSince1970
            try await sql.raw(
                """
                INSERT INTO feedback_answers (change_id, topic_id, post_id, created_at) VALUES (\(bind: changeID), \
                \(bind: topic.rawValue), \(bind: post.rawValue), \(bind: millis)) \
                ON CONFLICT (change_id, topic_id) DO NOTHING
                """
            ).run()
            try await sql.raw(
                """
                UPDATE feedback_items SET answered_at = \(bind: millis) \
                WHERE id = (SELECT item_id FROM feedback_changes WHERE id = \(bind: changeID))
                """
            ).run()
        }
    }

    public func notify(_ members: [MemberID], change changeID: Int64, at date: Date) async throws {
        guard !members.isEmpty else { return }
        try await database.write { sql in
            for member in members {
                try await sql.raw(
                    """
                    INSERT INTO feedback_notices (member_id, change_id, created_at) VALUES (\(bind: member.rawValue), \
                    \(bind: changeID), \(bind: date.millisecondsSince1970)) ON CONFLICT (member_id, change_id) DO NOTHING
                    """
                ).run()
            }
        }
    }

    public func notices(of member: MemberID, limit: Int) async throws -> [FeedbackNotice] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT n.id, n.created_at, n.read_at, c.item_id, c.status, c.note, i.title FROM feedback_notices n \
                JOIN feedback_changes c ON c.id = n.change_id JOIN feedback_items i ON i.id = c.item_id \
                WHERE n.member_id = \(bind: member.rawValue) ORDER BY n.id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                FeedbackNotice(
                    id: try row.decode(column: "id", as: Int64.self),
                    itemID: FeedbackItemID(try row.decode(column: "item_id", as: Int64.self)),
                    title: try row.decode(column: "title", as: String.self),
                    status: FeedbackItem.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                    note: try row.decode(column: "note", as: String.self),
                    createdAt: try SQLForumRepository.date(row, "created_at"),
                    readAt: try SQLForumRepository.optionalDate(row, "read_at"))
            }
        }
    }

    public func markNoticesRead(of member: MemberID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("feedback_notices").set("read_at", to: date.millisecondsSince1970)
                .where("member_id", .equal, member.rawValue).where("read_at", .is, SQLLiteral.null).run()
        }
    }
}
