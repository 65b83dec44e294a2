import Foundation
import HearthCore
import SQLKit

/// The member directory and staff acts on members, over `members` and what hangs off it.
public struct SQLMemberDirectoryRepository: MemberDirectoryRepository, InvitationRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    /// A member's live posts, counted from `posts_author_counted` alone (no table read): a page of the directory
    /// costs one index range per line shown, never a scan of the posts.
    private static let postCount: SQLQueryString = """
        (SELECT COUNT(*) FROM posts p WHERE p.author_id = m.id AND p.deleted_at IS NULL \
        AND p.moderation = 'visible') AS post_count
        """

    public func directory(_ query: MemberQuery) async throws -> [MemberListing] {
        let key = query.sort == .joined ? "m.created_at" : "m.last_seen_at"
        var statement: SQLQueryString =
            "SELECT "
            + SQLQueryString(SQLMemberRepository.columns.map { "m.\($0)" }.joined(separator: ", "))
            + ", " + Self.postCount + " FROM members m WHERE 1 = 1"
        if !query.search.isEmpty {
            let pattern = "%" + Self.escapedForLike(query.search.lowercased()) + "%"
            statement =
                statement
                + " AND (m.handle LIKE \(bind: pattern) ESCAPE '!' OR LOWER(m.display_name) LIKE \(bind: pattern) ESCAPE '!'"
            if query.searchEmails { statement = statement + " OR m.email LIKE \(bind: pattern) ESCAPE '!'" }
            statement = statement + ")"
        }
        if let after = query.after {
            // The leading `<=` is the index range; the OR alone made SQLite walk the index from its first line.
            statement =
                statement
                + " AND \(unsafeRaw: key) <= \(bind: after.key) AND (\(unsafeRaw: key) < \(bind: after.key) OR (\(unsafeRaw: key) = \(bind: after.key) AND m.id < \(bind: after.id.rawValue)))"
        }
        let finished = statement + " ORDER BY \(unsafeRaw: key) DESC, m.id DESC LIMIT \(bind: query.limit)"
        return try await database.read { sql in
            try await sql.raw(finished).all().map { row in
                MemberListing(
                    member: try SQLMemberRepository.member(row),
                    postCount: try row.decode(column: "post_count", as: Int.self))
            }
        }
    }

    /// `%`, `_` and the escape character itself match literally.
    static func escapedForLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "!" { escaped.append("!") }
            escaped.append(character)
        }
        return escaped
    }

    /// Counted from `posts_author_counted` alone, as the directory counts: joining each post's topic to leave out
    /// those of deleted or held topics cost 60 ms for a member of 22,000 posts (1 ms without), and blocked the
    /// thread serving other pages meanwhile. A reply in a deleted topic therefore still counts.
    public func publicPostCount(of memberID: MemberID) async throws -> Int {
        try await database.read { sql in
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM posts p WHERE p.author_id = \(bind: memberID.rawValue) AND p.deleted_at IS NULL AND p.moderation = 'visible'"
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func recentPostIDs(of memberID: MemberID, limit: Int, publicOnly: Bool) async throws -> [PostID] {
        // `posts_author` (author_id, created_at) serves the order.
        var statement: SQLQueryString =
            "SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.author_id = \(bind: memberID.rawValue)"
        if publicOnly { statement = statement + " AND " + PublicPosts.condition }
        let finished = statement + " ORDER BY p.created_at DESC, p.id DESC LIMIT \(bind: limit)"
        return try await database.read { sql in
            try await sql.raw(finished).all().map { PostID(try $0.decode(column: "id", as: Int64.self)) }
        }
    }

    public func setRole(of memberID: MemberID, to role: Role, log: NewLogEntry, at date: Date) async throws
        -> RoleChange
    {
        let lock: SQLQueryString = database.engine == .postgres ? " FOR UPDATE" : ""
        return try await database.write { sql in
            guard
                let current = try await sql.select().column("role").from("members")
                    .where("id", .equal, memberID.rawValue)
                    .first(decodingColumn: "role", as: String.self)
            else { return .noSuchMember }
            let from = try SQLMemberRepository.role(current)
            if from == .communityManager, role != .communityManager {
                // On PostgreSQL the managers' rows are locked, so that two managers demoting each other at once
                // cannot both see the other still there; SQLite's single writer already orders them.
                let managers = try await sql.raw(
                    "SELECT id FROM members WHERE role = \(bind: Role.communityManager.rawValue)" + lock
                ).all().count
                guard managers > 1 else { return .lastCommunityManager }
            }
            try await sql.update("members").set("role", to: role.rawValue).where("id", .equal, memberID.rawValue).run()
            try await SQLModerationRepository.log(log, at: date, sql)
            return .changed(from: from)
        }
    }

    public func anonymise(_ memberID: MemberID, log: NewLogEntry, at date: Date) async throws -> String? {
        let handle = "former-member-\(memberID.rawValue)"
        let marker = "@" + MemberService.anonymisedDomain
        return try await database.write { sql in
            guard
                let email = try await sql.select().column("email").from("members")
                    .where("id", .equal, memberID.rawValue)
                    .first(decodingColumn: "email", as: String.self),
                !email.hasSuffix(marker)
            else { return nil }
            let id = memberID.rawValue
            // An unusable password hash ("!" is no bcrypt hash, so no password matches it).
            try await sql.update("members")
                .set("email", to: handle + marker)
                .set("handle", to: handle)
                .set("display_name", to: MemberService.formerMemberName)
                .set("bio", to: "")
                .set("avatar_path", to: String?.none)
                .set("language", to: String?.none)
                .set("password_hash", to: "!")
                .set("has_grants", to: 0)
                .set("role_badge", to: String?.none)
                .where("id", .equal, id)
                .run()
            try await sql.delete(from: "sessions").where("member_id", .equal, id).run()
            try await sql.delete(from: "one_time_tokens").where("member_id", .equal, id).run()
            try await sql.update("api_keys").set("revoked_at", to: date.millisecondsSince1970)
                .where("member_id", .equal, id).where("revoked_at", .is, SQLLiteral.null).run()
            try await sql.delete(from: "role_holders").where("member_id", .equal, id).run()
            try await SQLModerationRepository.log(log, at: date, sql)
            return handle
        }
    }

    // MARK: Invitations

    public func openInvitations(at date: Date) async throws -> [Invitation] {
        try await database.read { sql in
            try await sql.select().columns("id", "email", "created_at", "expires_at").from("one_time_tokens")
                .where("purpose", .equal, TokenPurpose.invite.rawValue)
                .where("used_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, date.millisecondsSince1970)
                .orderBy("id", .descending)
                .limit(500)
                .all()
                .map { row in
                    Invitation(
                        id: InvitationID(try row.decode(column: "id", as: Int64.self)),
                        email: try row.decode(column: "email", as: String?.self),
                        createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                        expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
                }
        }
    }

    public func revokeInvitation(_ id: InvitationID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.update("one_time_tokens")
                .set("used_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue)
                .where("purpose", .equal, TokenPurpose.invite.rawValue)
                .where("used_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, date.millisecondsSince1970)
                .returning("id")
                .first() != nil
        }
    }
}
