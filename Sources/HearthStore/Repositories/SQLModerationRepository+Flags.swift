import Foundation
import HearthCore
import SQLKit

/// Flags on posts and profiles, and members' standing as reporters; a flag that hides a post does so in the
/// flag's own transaction, with its log line.
extension SQLModerationRepository {
    public func standing(of memberID: MemberID) async throws -> (posts: Int, agreed: Int, disagreed: Int) {
        try await database.read { sql in
            let posts =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM posts WHERE author_id = \(bind: memberID.rawValue) AND deleted_at IS NULL"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            let row = try await sql.raw(
                """
                SELECT COALESCE(SUM(CASE WHEN agreed = 1 THEN 1 ELSE 0 END), 0) AS agreed, \
                COALESCE(SUM(CASE WHEN agreed = 0 THEN 1 ELSE 0 END), 0) AS disagreed \
                FROM flags WHERE reporter_id = \(bind: memberID.rawValue)
                """
            ).first()
            return (
                posts, try row?.decode(column: "agreed", as: Int.self) ?? 0,
                try row?.decode(column: "disagreed", as: Int.self) ?? 0
            )
        }
    }

    public func visiblePostCount(of memberID: MemberID) async throws -> Int {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM posts WHERE author_id = \(bind: memberID.rawValue) AND deleted_at IS NULL \
                AND moderation = 'visible'
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func flag(_ flag: NewFlag, threshold: Double, at date: Date) async throws -> FlagOutcome? {
        try await database.write { sql in
            let already = try await sql.select().column("id").from("flags")
                .where("post_id", .equal, flag.postID.rawValue).where("reporter_id", .equal, flag.reporterID.rawValue)
                .first()
            guard already == nil else { return nil }
            let id =
                try await sql.insert(into: "flags")
                .columns("post_id", "reporter_id", "reason", "message", "weight", "created_at")
                .values(
                    SQLBind(flag.postID.rawValue), SQLBind(flag.reporterID.rawValue), SQLBind(flag.reason.rawValue),
                    SQLBind(flag.message), SQLBind(flag.weight), SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self) ?? 0
            let open = try await Self.flags(on: flag.postID, openOnly: true, sql)
            let total = open.reduce(0) { $0 + $1.weight }
            let item = try await Self.open(
                NewReviewItem(
                    kind: .flaggedPost, postID: flag.postID, memberID: nil, reasons: Self.reasons(open), score: total),
                replacingReasons: true, at: date, sql)
            let state = try await sql.select().column("moderation").from("posts")
                .where("id", .equal, flag.postID.rawValue).first(decodingColumn: "moderation", as: String.self)
            var hid = false
            if total >= threshold, state == PostModeration.visible.rawValue {
                try await Self.setState(flag.postID, to: .hidden, at: date, sql)
                try await Self.log(
                    NewLogEntry(
                        actorID: nil, action: "hide (flags)", target: .post, targetID: flag.postID.rawValue,
                        reason: Self.reasons(open).joined(separator: ", ")), at: date, sql)
                hid = true
            }
            let stored = PostFlag(
                id: FlagID(id), postID: flag.postID, reporterID: flag.reporterID, reason: flag.reason,
                message: flag.message, weight: flag.weight, createdAt: date)
            return FlagOutcome(flag: stored, totalWeight: total, hidPost: hid, item: item)
        }
    }

    public func flags(on postID: PostID) async throws -> [PostFlag] {
        try await database.read { sql in try await Self.flags(on: postID, openOnly: false, sql) }
    }

    static func flags(on postID: PostID, openOnly: Bool, _ sql: any SQLDatabase) async throws -> [PostFlag] {
        var query = sql.select().columns("id", "post_id", "reporter_id", "reason", "message", "weight", "created_at")
            .from("flags").where("post_id", .equal, postID.rawValue)
        if openOnly { query = query.where("resolved_at", .is, SQLLiteral.null) }
        return try await query.orderBy("id").all().map { row in
            PostFlag(
                id: FlagID(try row.decode(column: "id", as: Int64.self)), postID: postID,
                reporterID: MemberID(try row.decode(column: "reporter_id", as: Int64.self)),
                reason: FlagReason(rawValue: try row.decode(column: "reason", as: String.self)) ?? .other,
                message: try row.decode(column: "message", as: String?.self),
                weight: try row.decode(column: "weight", as: Double.self),
                createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    public func flagProfile(
        _ memberID: MemberID, reporterID: MemberID, reason: FlagReason, message: String?, at date: Date
    ) async throws -> ReviewItem? {
        try await database.write { sql in
            // One statement decides between two reports at once: the second inserts nothing and returns no row.
            let inserted = try await sql.raw(
                """
                INSERT INTO profile_flags (member_id, reporter_id, reason, message, created_at) \
                VALUES (\(bind: memberID.rawValue), \(bind: reporterID.rawValue), \(bind: reason.rawValue), \
                \(bind: message), \(bind: date.millisecondsSince1970)) \
                ON CONFLICT (member_id, reporter_id) DO NOTHING RETURNING id
                """
            ).first()
            guard inserted != nil else { return nil }
            let open = try await sql.select().columns("reason", "message").from("profile_flags")
                .where("member_id", .equal, memberID.rawValue).where("resolved_at", .is, SQLLiteral.null)
                .orderBy("id").all().map { row in
                    (
                        FlagReason(rawValue: try row.decode(column: "reason", as: String.self)) ?? .other,
                        try row.decode(column: "message", as: String?.self)
                    )
                }
            return try await Self.open(
                NewReviewItem(
                    kind: .flaggedProfile, postID: nil, memberID: memberID, reasons: Self.reasons(open),
                    score: Double(open.count)),
                replacingReasons: true, at: date, sql)
        }
    }

    /// "spam ×2", "other: “…”": what the reporters said, without who said it.
    static func reasons(_ flags: [PostFlag]) -> [String] {
        reasons(flags.map { ($0.reason, $0.message) })
    }

    static func reasons(_ flags: [(reason: FlagReason, message: String?)]) -> [String] {
        var lines: [String] = []
        for reason in FlagReason.allCases {
            let count = flags.count { $0.reason == reason }
            guard count > 0 else { continue }
            lines.append(count == 1 ? reason.rawValue : "\(reason.rawValue) ×\(count)")
        }
        lines += flags.compactMap { flag in flag.message.map { "“\($0)”" } }
        return lines
    }
}
