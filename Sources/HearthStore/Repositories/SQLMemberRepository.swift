import Foundation
import HearthCore
import SQLKit

/// Members in the `members` table.
public struct SQLMemberRepository: MemberRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    static let columns = ["id", "email", "display_name", "role", "language", "created_at"]

    public func create(_ member: NewMember) async throws -> Member {
        do {
            let id = try await database.write { sql in
                try await sql.insert(into: "members")
                    .columns("email", "display_name", "role", "password_hash", "created_at")
                    .values(
                        SQLBind(member.email), SQLBind(member.displayName), SQLBind(member.role.rawValue),
                        SQLBind(member.passwordHash), SQLBind(member.createdAt.millisecondsSince1970)
                    )
                    .returning("id")
                    .first(decodingColumn: "id", as: Int64.self)
            }
            guard let id else { throw HearthError.unavailable("The new account could not be saved.") }
            return Member(
                id: MemberID(id), email: member.email, displayName: member.displayName, role: member.role,
                language: nil, createdAt: member.createdAt)
        } catch  where HearthDatabase.isUniqueViolation(error) {
            throw HearthError.validation([
                FieldError(field: "email", message: "An account with this e-mail address already exists.")
            ])
        }
    }

    public func find(id: MemberID) async throws -> Member? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("members")
                .where("id", .equal, id.rawValue)
                .first()
                .map(Self.member)
        }
    }

    public func find(email: String) async throws -> Member? {
        let email = AccountForm.normalizedEmail(email)
        return try await database.read { sql in
            try await sql.select().columns(Self.columns).from("members")
                .where("email", .equal, email)
                .first()
                .map(Self.member)
        }
    }

    public func passwordHash(of id: MemberID) async throws -> String? {
        try await database.read { sql in
            try await sql.select().column("password_hash").from("members")
                .where("id", .equal, id.rawValue)
                .first(decodingColumn: "password_hash", as: String.self)
        }
    }

    public func setPasswordHash(_ hash: String, of id: MemberID) async throws {
        try await database.write { sql in
            try await sql.update("members").set("password_hash", to: hash).where("id", .equal, id.rawValue).run()
        }
    }

    public func count(role: Role) async throws -> Int {
        try await database.read { sql in
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("members")
                .where("role", .equal, role.rawValue)
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func firstMember(withRole role: Role) async throws -> Member? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("members")
                .where("role", .equal, role.rawValue)
                .orderBy("id")
                .limit(1)
                .first()
                .map(Self.member)
        }
    }

    /// Decodes a row selected with `columns` (optionally prefixed by a join, see `member(_:prefix:)`).
    @Sendable static func member(_ row: any SQLRow) throws -> Member {
        try member(row, prefix: "")
    }

    static func member(_ row: any SQLRow, prefix: String) throws -> Member {
        let roleName = try row.decode(column: prefix + "role", as: String.self)
        guard let role = Role(rawValue: roleName) else {
            throw HearthError.unavailable("A member record has an unknown role \(roleName).")
        }
        return Member(
            id: MemberID(try row.decode(column: prefix + "id", as: Int64.self)),
            email: try row.decode(column: prefix + "email", as: String.self),
            displayName: try row.decode(column: prefix + "display_name", as: String.self),
            role: role,
            language: try row.decode(column: prefix + "language", as: String?.self).flatMap(Language.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: prefix + "created_at", as: Int64.self)))
    }

    /// The member columns aliased with a prefix, for joins.
    static func prefixedColumns(table: String, prefix: String) -> [any SQLExpression] {
        columns.map { SQLAlias(SQLColumn($0, table: table), as: SQLIdentifier(prefix + $0)) }
    }
}
