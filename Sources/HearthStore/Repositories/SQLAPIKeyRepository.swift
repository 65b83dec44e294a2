import Foundation
import HearthCore
import SQLKit

/// API keys in the `api_keys` table.
public struct SQLAPIKeyRepository: APIKeyRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    private static let columns = [
        "id", "member_id", "name", "scope", "display_prefix", "created_at", "last_used_at", "revoked_at",
    ]

    public func create(
        memberID: MemberID, name: String, scope: APIKey.Scope, keyDigest: String, displayPrefix: String,
        createdAt: Date
    ) async throws -> APIKey {
        let id = try await database.write { sql in
            try await sql.insert(into: "api_keys")
                .columns("member_id", "name", "scope", "key_digest", "display_prefix", "created_at")
                .values(
                    SQLBind(memberID.rawValue), SQLBind(name), SQLBind(scope.rawValue), SQLBind(keyDigest),
                    SQLBind(displayPrefix), SQLBind(createdAt.millisecondsSince1970)
                )
                .returning("id")
                .first(decodingColumn: "id", as: Int64.self)
        }
        guard let id else { throw HearthError.unavailable("The API key could not be saved.") }
        return APIKey(
            id: APIKeyID(id), memberID: memberID, name: name, scope: scope, displayPrefix: displayPrefix,
            createdAt: createdAt, lastUsedAt: nil, revokedAt: nil)
    }

    public func find(keyDigest: String) async throws -> (APIKey, Member)? {
        try await database.read { sql in
            guard
                let row = try await sql.select()
                    .columns(Self.columns.map { SQLColumn($0, table: "api_keys") })
                    .columns(SQLMemberRepository.prefixedColumns(table: "members", prefix: "member_"))
                    .from("api_keys")
                    .join(
                        "members", on: SQLColumn("member_id", table: "api_keys"), .equal,
                        SQLColumn("id", table: "members")
                    )
                    .where(SQLColumn("key_digest", table: "api_keys"), .equal, SQLBind(keyDigest))
                    .where(SQLColumn("revoked_at", table: "api_keys"), .is, SQLLiteral.null)
                    .first()
            else { return nil }
            return (try Self.key(row), try SQLMemberRepository.member(row, prefix: "member_"))
        }
    }

    public func list() async throws -> [APIKey] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("api_keys").orderBy("id").all().map(Self.key)
        }
    }

    public func revoke(_ id: APIKeyID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.update("api_keys")
                .set("revoked_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue)
                .where("revoked_at", .is, SQLLiteral.null)
                .returning("id")
                .first() != nil
        }
    }

    public func markUsed(_ id: APIKeyID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("api_keys").set("last_used_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue).run()
        }
    }

    @Sendable private static func key(_ row: any SQLRow) throws -> APIKey {
        let scopeName = try row.decode(column: "scope", as: String.self)
        guard let scope = APIKey.Scope(rawValue: scopeName) else {
            throw HearthError.unavailable("An API key has an unknown scope \(scopeName).")
        }
        return APIKey(
            id: APIKeyID(try row.decode(column: "id", as: Int64.self)),
            memberID: MemberID(try row.decode(column: "member_id", as: Int64.self)),
            name: try row.decode(column: "name", as: String.self),
            scope: scope,
            displayPrefix: try row.decode(column: "display_prefix", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
