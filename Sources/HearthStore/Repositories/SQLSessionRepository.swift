import Foundation
import HearthCore
import SQLKit

/// Sessions in the `sessions` table, joined to their member on lookup.
public struct SQLSessionRepository: SessionRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    /// Every request with a session cookie runs this; written out once rather than built and serialised by
    /// SQLKit each time, which cost more than the query itself.
    private static let lookup = SQLQueryString(
        "SELECT s.id AS session_id, s.csrf_token, s.created_at AS session_created_at, s.expires_at, "
            + SQLMemberRepository.columns.map { "m.\($0) AS member_\($0)" }.joined(separator: ", ")
            + " FROM sessions s JOIN members m ON m.id = s.member_id")

    public func create(
        tokenDigest: String, memberID: MemberID, csrfToken: String, createdAt: Date, expiresAt: Date,
        userAgent: String?
    ) async throws -> Session {
        let id = try await database.write { sql in
            try await sql.insert(into: "sessions")
                .columns("token_digest", "member_id", "csrf_token", "created_at", "expires_at", "user_agent")
                .values(
                    SQLBind(tokenDigest), SQLBind(memberID.rawValue), SQLBind(csrfToken),
                    SQLBind(createdAt.millisecondsSince1970), SQLBind(expiresAt.millisecondsSince1970),
                    SQLBind(userAgent)
                )
                .returning("id")
                .first(decodingColumn: "id", as: Int64.self)
        }
        guard let id else { throw HearthError.unavailable("The session could not be saved.") }
        return Session(
            id: SessionID(id), memberID: memberID, createdAt: createdAt, expiresAt: expiresAt, csrfToken: csrfToken)
    }

    public func find(tokenDigest: String, now: Date) async throws -> (Session, Member)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    Self.lookup
                        + " WHERE s.token_digest = \(bind: tokenDigest) AND s.expires_at > \(bind: now.millisecondsSince1970)"
                ).first()
            else { return nil }
            let member = try SQLMemberRepository.member(row, prefix: "member_")
            let session = Session(
                id: SessionID(try row.decode(column: "session_id", as: Int64.self)),
                memberID: member.id,
                createdAt: Date(millisecondsSince1970: try row.decode(column: "session_created_at", as: Int64.self)),
                expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)),
                csrfToken: try row.decode(column: "csrf_token", as: String.self))
            return (session, member)
        }
    }

    public func extend(_ id: SessionID, until expiresAt: Date) async throws {
        try await database.write { sql in
            try await sql.update("sessions").set("expires_at", to: expiresAt.millisecondsSince1970)
                .where("id", .equal, id.rawValue).run()
        }
    }

    public func delete(tokenDigest: String) async throws {
        try await database.write { sql in
            try await sql.delete(from: "sessions").where("token_digest", .equal, tokenDigest).run()
        }
    }

    public func deleteAll(of memberID: MemberID, except keep: SessionID?) async throws {
        try await database.write { sql in
            var query = sql.delete(from: "sessions").where("member_id", .equal, memberID.rawValue)
            if let keep {
                query = query.where("id", .notEqual, keep.rawValue)
            }
            try await query.run()
        }
    }

    public func deleteExpired(before now: Date) async throws -> Int {
        try await database.write { sql in
            try await sql.delete(from: "sessions")
                .where("expires_at", .lessThanOrEqual, now.millisecondsSince1970)
                .returning("id")
                .all()
                .count
        }
    }

    public func markSeen(_ memberID: MemberID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("members").set("last_seen_at", to: date.millisecondsSince1970)
                .where("id", .equal, memberID.rawValue).run()
            // The days a member came are what the trust ladder and the shy readers are counted on.
            try await sql.raw(
                """
                INSERT INTO member_visits (member_id, day) VALUES (\(bind: memberID.rawValue), \(bind: Self.day(date))) \
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }

    /// Days since 1970 in UTC, as `member_visits` counts them.
    public static func day(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
