import Foundation
import HearthCore
import SQLKit

/// Reactions and read positions: small per-member rows beside the posts and topics they mark.
extension SQLForumRepository {
    // MARK: Reactions

    public func toggleReaction(_ kind: ReactionKind, on postID: PostID, by memberID: MemberID, at date: Date)
        async throws -> Bool
    {
        do {
            return try await database.write { sql in
                let mine = sql.delete(from: "reactions")
                    .where("post_id", .equal, postID.rawValue).where("member_id", .equal, memberID.rawValue)
                    .where("kind", .equal, kind.rawValue)
                let exists =
                    try await sql.select().column("kind").from("reactions")
                    .where("post_id", .equal, postID.rawValue).where("member_id", .equal, memberID.rawValue)
                    .where("kind", .equal, kind.rawValue).first() != nil
                if exists {
                    try await mine.run()
                    return false
                }
                try await sql.insert(into: "reactions")
                    .columns("post_id", "member_id", "kind", "created_at")
                    .values(
                        SQLBind(postID.rawValue), SQLBind(memberID.rawValue), SQLBind(kind.rawValue),
                        SQLBind(date.millisecondsSince1970)
                    )
                    .run()
                return true
            }
        } catch  where HearthDatabase.isUniqueViolation(error) {
            // The same click twice at once: the other one already added it.
            return true
        }
    }

    public func reactions(on postIDs: [PostID], viewer: MemberID?) async throws -> [PostID: ReactionTally] {
        guard !postIDs.isEmpty else { return [:] }
        let ids = postIDs.map(\.rawValue)
        // One query for both the counts and the viewer's own: `mine` counts the viewer's rows in each group
        // (a member gives a kind once, so it is 0 or 1). -1 matches no member when nobody is logged in.
        let viewerID = viewer?.rawValue ?? -1
        return try await database.read { sql in
            var tallies: [PostID: ReactionTally] = [:]
            let rows = try await sql.select().column("post_id").column("kind")
                .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
                .column(
                    SQLAlias(
                        SQLQueryString("SUM(CASE WHEN member_id = \(bind: viewerID) THEN 1 ELSE 0 END)"),
                        as: SQLIdentifier("mine"))
                )
                .from("reactions").where("post_id", .in, ids).groupBy("post_id").groupBy("kind").all()
            for row in rows {
                guard let kind = ReactionKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    continue
                }
                let post = PostID(try row.decode(column: "post_id", as: Int64.self))
                tallies[post, default: ReactionTally()].counts[kind] = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "mine", as: Int.self) > 0 { tallies[post]?.mine.insert(kind) }
            }
            return tallies
        }
    }

    // MARK: Read positions

    public func markRead(_ topicID: TopicID, upTo number: Int, by memberID: MemberID) async throws {
        // Reading a page again is the common case; it should not take the single SQLite writer.
        if let known = try await readPositions(of: memberID, in: [topicID])[topicID], known >= number { return }
        try await database.write { sql in try await Self.markRead(topicID, upTo: number, by: memberID, sql) }
    }

    /// One upsert that only ever moves the position forward, for use inside a write transaction.
    static func markRead(_ topicID: TopicID, upTo number: Int, by memberID: MemberID, _ sql: any SQLDatabase)
        async throws
    {
        try await sql.raw(
            """
            INSERT INTO topic_reads (member_id, topic_id, last_read_number) \
            VALUES (\(bind: memberID.rawValue), \(bind: topicID.rawValue), \(bind: number)) \
            ON CONFLICT (member_id, topic_id) DO UPDATE SET last_read_number = excluded.last_read_number \
            WHERE topic_reads.last_read_number < excluded.last_read_number
            """
        ).run()
    }

    public func readPositions(of memberID: MemberID, in topicIDs: [TopicID]) async throws -> [TopicID: Int] {
        guard !topicIDs.isEmpty else { return [:] }
        return try await database.read { sql in
            let rows = try await sql.select().columns("topic_id", "last_read_number").from("topic_reads")
                .where("member_id", .equal, memberID.rawValue).where("topic_id", .in, topicIDs.map(\.rawValue)).all()
            var positions: [TopicID: Int] = [:]
            for row in rows {
                positions[TopicID(try row.decode(column: "topic_id", as: Int64.self))] = try row.decode(
                    column: "last_read_number", as: Int.self)
            }
            return positions
        }
    }
}
