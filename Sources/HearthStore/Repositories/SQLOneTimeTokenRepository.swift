import Foundation
import HearthCore
import SQLKit

/// Single-use link tokens in the `one_time_tokens` table.
public struct SQLOneTimeTokenRepository: OneTimeTokenRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    private static let columns = ["id", "purpose", "member_id", "email", "created_at", "expires_at", "used_at"]

    public func create(
        purpose: TokenPurpose, tokenDigest: String, memberID: MemberID?, email: String?, createdAt: Date,
        expiresAt: Date, outbox: [NewJob]
    ) async throws {
        try await database.write { sql in
            for job in outbox { try await SQLJobQueue.enqueue(job, at: createdAt, sql) }
            try await sql.insert(into: "one_time_tokens")
                .columns("purpose", "token_digest", "member_id", "email", "created_at", "expires_at")
                .values(
                    SQLBind(purpose.rawValue), SQLBind(tokenDigest), SQLBind(memberID?.rawValue), SQLBind(email),
                    SQLBind(createdAt.millisecondsSince1970), SQLBind(expiresAt.millisecondsSince1970)
                )
                .run()
        }
    }

    public func find(purpose: TokenPurpose, tokenDigest: String, now: Date) async throws -> OneTimeToken? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("one_time_tokens")
                .where("purpose", .equal, purpose.rawValue)
                .where("token_digest", .equal, tokenDigest)
                .where("used_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, now.millisecondsSince1970)
                .first()
                .map(Self.token)
        }
    }

    public func consume(purpose: TokenPurpose, tokenDigest: String, now: Date) async throws -> OneTimeToken? {
        // One UPDATE with the validity conditions in its WHERE: of two racing requests only one matches.
        try await database.write { sql in
            try await sql.update("one_time_tokens")
                .set("used_at", to: now.millisecondsSince1970)
                .where("purpose", .equal, purpose.rawValue)
                .where("token_digest", .equal, tokenDigest)
                .where("used_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, now.millisecondsSince1970)
                .returning(Self.columns.map { SQLColumn($0) })
                .first()
                .map(Self.token)
        }
    }

    public func invalidateAll(purpose: TokenPurpose, memberID: MemberID?, now: Date) async throws {
        try await database.write { sql in
            var query = sql.update("one_time_tokens")
                .set("used_at", to: now.millisecondsSince1970)
                .where("purpose", .equal, purpose.rawValue)
                .where("used_at", .is, SQLLiteral.null)
            if let memberID {
                query = query.where("member_id", .equal, memberID.rawValue)
            }
            try await query.run()
        }
    }

    @Sendable private static func token(_ row: any SQLRow) throws -> OneTimeToken {
        let purposeName = try row.decode(column: "purpose", as: String.self)
        guard let purpose = TokenPurpose(rawValue: purposeName) else {
            throw HearthError.unavailable("A link token has an unknown purpose \(purposeName).")
        }
        return OneTimeToken(
            id: try row.decode(column: "id", as: Int64.self),
            purpose: purpose,
            memberID: try row.decode(column: "member_id", as: Int64?.self).map(MemberID.init(rawValue:)),
            email: try row.decode(column: "email", as: String?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)),
            usedAt: try row.decode(column: "used_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
