import Foundation
import HearthCore
import SQLKit

/// Members in the `members` table.
public struct SQLMemberRepository: MemberRepository {
    /// Orders concurrent writes on the member's behalf: on PostgreSQL the member's row stays locked until the
    /// transaction ends (`DatabaseEngine.writeLock`), so that of two copies of a form sent at once, the second
    /// waits and then sees the first. SQLite's single writer already orders every write.
    static func lock(_ id: MemberID, engine: DatabaseEngine, _ sql: any SQLDatabase) async throws {
        guard engine == .postgres else { return }
        _ = try await sql.raw("SELECT id FROM members WHERE id = \(bind: id.rawValue)" + engine.writeLock()).all()
    }

    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    static let columns = [
        "id", "email", "handle", "display_name", "bio", "avatar_path", "role", "language", "created_at",
        "silenced_until", "suspended_until", "warned_until", "penalised_at", "email_confirmed_at", "has_grants",
        "last_seen_at", "trust_level",
    ]

    public func create(_ member: NewMember) async throws -> Member {
        do {
            let (id, handle) = try await database.write { sql in
                let handle = try await Self.freeHandle(for: member.displayName, sql)
                let id = try await sql.insert(into: "members")
                    .columns(
                        "email", "handle", "display_name", "role", "password_hash", "created_at", "email_confirmed_at"
                    )
                    .values(
                        SQLBind(member.email), SQLBind(handle), SQLBind(member.displayName),
                        SQLBind(member.role.rawValue), SQLBind(member.passwordHash),
                        SQLBind(member.createdAt.millisecondsSince1970),
                        SQLBind(member.emailConfirmed ? member.createdAt.millisecondsSince1970 : nil)
                    )
                    .returning("id")
                    .first(decodingColumn: "id", as: Int64.self)
                return (id, handle)
            }
            guard let id else { throw HearthError.unavailable("The new account could not be saved.") }
            return Member(
                id: MemberID(id), email: member.email, handle: handle, displayName: member.displayName,
                role: member.role, language: nil, createdAt: member.createdAt,
                awaitsEmailConfirmation: !member.emailConfirmed, trust: .new)
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

    public func find(handle: String) async throws -> Member? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("members")
                .where("handle", .equal, handle.lowercased())
                .first()
                .map(Self.member)
        }
    }

    public func find(displayName: String, limit: Int) async throws -> [Member] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("members")
                .where(SQLFunction("lower", args: SQLColumn("display_name")), .equal, SQLBind(displayName.lowercased()))
                .orderBy("id").limit(limit).all().map(Self.member)
        }
    }

    public func summaries(handles: [String]) async throws -> [MemberSummary] {
        guard !handles.isEmpty else { return [] }
        return try await database.read { sql in
            try await sql.select().columns("id", "handle", "display_name", "role").from("members")
                .where("handle", .in, handles.map { $0.lowercased() })
                .all()
                .map { try Self.summary($0, prefix: "") }
        }
    }

    public func updateProfile(
        of id: MemberID, displayName: String, bio: String, avatarPath: String?, language: Language?
    ) async throws {
        try await database.write { sql in
            try await sql.update("members")
                .set("display_name", to: displayName)
                .set("bio", to: bio)
                .set("avatar_path", to: avatarPath)
                .set("language", to: language?.rawValue)
                .where("id", .equal, id.rawValue)
                .run()
        }
    }

    /// A handle made from the name that nobody has yet: the name's own, or it followed by the first free number.
    public func confirmEmail(of id: MemberID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE members SET email_confirmed_at = \(bind: date.millisecondsSince1970) \
                WHERE id = \(bind: id.rawValue) AND email_confirmed_at IS NULL
                """
            ).run()
        }
    }

    static func freeHandle(for displayName: String, _ sql: any SQLDatabase) async throws -> String {
        let base = Handle.base(for: displayName)
        let similar = try await sql.select().column("handle").from("members")
            .where("handle", .like, base + "%")
            .all()
            .map { try $0.decode(column: "handle", as: String?.self) }
        let taken = Set(similar.compactMap { $0 })
        guard taken.contains(base) else { return base }
        return (2...).lazy.map { "\(base)\($0)" }.first { !taken.contains($0) }!
    }

    /// A member's public face from a row holding `id`, `handle`, `display_name` and `role` after `prefix`, and
    /// `avatar_path` where the query selected it.
    static func summary(_ row: any SQLRow, prefix: String) throws -> MemberSummary {
        let id = try row.decode(column: prefix + "id", as: Int64.self)
        let avatar = prefix + "avatar_path"
        let badge = prefix + "role_badge"
        return MemberSummary(
            id: MemberID(id),
            handle: try row.decode(column: prefix + "handle", as: String?.self) ?? "member\(id)",
            displayName: try row.decode(column: prefix + "display_name", as: String.self),
            role: try role(row.decode(column: prefix + "role", as: String.self)),
            avatarPath: row.contains(column: avatar) ? try row.decode(column: avatar, as: String?.self) : nil,
            badge: row.contains(column: badge) ? try row.decode(column: badge, as: String?.self) : nil)
    }

    static func role(_ name: String) throws -> Role {
        guard let role = Role(rawValue: name) else {
            throw HearthError.unavailable("A member record has an unknown role \(name).")
        }
        return role
    }

    /// Decodes a row selected with `columns` (optionally prefixed by a join, see `member(_:prefix:)`).
    @Sendable static func member(_ row: any SQLRow) throws -> Member {
        try member(row, prefix: "")
    }

    static func member(_ row: any SQLRow, prefix: String) throws -> Member {
        let summary = try summary(row, prefix: prefix)
        return Member(
            id: summary.id,
            email: try row.decode(column: prefix + "email", as: String.self),
            handle: summary.handle,
            displayName: summary.displayName,
            bio: try row.decode(column: prefix + "bio", as: String.self),
            avatarPath: try row.decode(column: prefix + "avatar_path", as: String?.self),
            role: summary.role,
            language: try row.decode(column: prefix + "language", as: String?.self).flatMap(Language.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: prefix + "created_at", as: Int64.self)),
            silencedUntil: try row.decode(column: prefix + "silenced_until", as: Int64?.self)
                .map(Date.init(millisecondsSince1970:)),
            suspendedUntil: try row.decode(column: prefix + "suspended_until", as: Int64?.self)
                .map(Date.init(millisecondsSince1970:)),
            warnedUntil: try row.decode(column: prefix + "warned_until", as: Int64?.self)
                .map(Date.init(millisecondsSince1970:)),
            penalisedAt: try row.decode(column: prefix + "penalised_at", as: Int64?.self)
                .map(Date.init(millisecondsSince1970:)),
            awaitsEmailConfirmation: try row.decode(column: prefix + "email_confirmed_at", as: Int64?.self) == nil,
            hasGrants: try row.decode(column: prefix + "has_grants", as: Int64.self) != 0,
            lastSeenAt: try row.decode(column: prefix + "last_seen_at", as: Int64.self).nonZeroDate,
            trust: TrustLevel(rawValue: try row.decode(column: prefix + "trust_level", as: String.self)) ?? .basic)
    }

    /// The member columns aliased with a prefix, for joins.
    static func prefixedColumns(table: String, prefix: String) -> [any SQLExpression] {
        columns.map { SQLAlias(SQLColumn($0, table: table), as: SQLIdentifier(prefix + $0)) }
    }
}

extension Int64 {
    /// A date stored as milliseconds where 0 means "never".
    var nonZeroDate: Date? { self == 0 ? nil : Date(millisecondsSince1970: self) }
}
