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
        return try await database.read { sql in
            var tallies: [PostID: ReactionTally] = [:]
            let counts = try await sql.select().column("post_id").column("kind")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("reactions").where("post_id", .in, ids).groupBy("post_id").groupBy("kind").all()
            for row in counts {
                guard let kind = ReactionKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    continue
                }
                let post = PostID(try row.decode(column: "post_id", as: Int64.self))
                tallies[post, default: ReactionTally()].counts[kind] = try row.decode(column: "n", as: Int.self)
            }
            if let viewer {
                let mine = try await sql.select().column("post_id").column("kind").from("reactions")
                    .where("post_id", .in, ids).where("member_id", .equal, viewer.rawValue).all()
                for row in mine {
                    guard let kind = ReactionKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                        continue
                    }
                    tallies[PostID(try row.decode(column: "post_id", as: Int64.self)), default: ReactionTally()]
                        .mine.insert(kind)
                }
            }
            return tallies
        }
    }

    // MARK: Read positions

    public func markRead(_ topicID: TopicID, upTo number: Int, by memberID: MemberID) async throws {
        // Reading a page again is the common case; it should not take the single SQLite writer.
        if let known = try await readPositions(of: memberID, in: [topicID])[topicID], known >= number { return }
        try await database.write { sql in
            try await sql.insert(into: "topic_reads")
                .columns("member_id", "topic_id", "last_read_number")
                .values(SQLBind(memberID.rawValue), SQLBind(topicID.rawValue), SQLBind(number))
                .ignoringConflicts(with: ["member_id", "topic_id"])
                .run()
            try await sql.update("topic_reads").set("last_read_number", to: number)
                .where("member_id", .equal, memberID.rawValue).where("topic_id", .equal, topicID.rawValue)
                .where("last_read_number", .lessThan, number)
                .run()
        }
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
