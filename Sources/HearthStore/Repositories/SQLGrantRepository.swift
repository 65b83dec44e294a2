import Foundation
import HearthCore
import SQLKit

/// Grants in the `grants` table; `members.has_grants` is kept in step in the same transaction.
public struct SQLGrantRepository: GrantRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    private static let columns = [
        "id", "member_id", "title", "actions", "category_id", "window_start_minute", "window_end_minute", "time_zone",
        "expires_at", "created_by", "created_at",
    ]

    public func create(memberID: MemberID, title: String, grant: Grant, createdBy: MemberID?, at date: Date)
        async throws -> StoredGrant
    {
        let category: Int64? = if case .category(let id) = grant.scope { id } else { nil }
        let actions = grant.actions.map(\.rawValue).sorted().joined(separator: ",")
        let id = try await database.write { sql in
            let id = try await sql.insert(into: "grants")
                .columns(Self.columns.dropFirst().map { $0 })
                .values(
                    SQLBind(memberID.rawValue), SQLBind(title), SQLBind(actions), SQLBind(category),
                    SQLBind(grant.window.map { Int64($0.startMinute) }),
                    SQLBind(grant.window.map { Int64($0.endMinute) }),
                    SQLBind(grant.window?.timeZoneIdentifier), SQLBind(grant.expiresAt?.millisecondsSince1970),
                    SQLBind(createdBy?.rawValue), SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first()?.decode(column: "id", as: Int64.self)
            try await sql.update("members").set("has_grants", to: 1).where("id", .equal, memberID.rawValue).run()
            return id ?? 0
        }
        return StoredGrant(
            id: GrantID(id), memberID: memberID, title: title, grant: grant, createdBy: createdBy, createdAt: date)
    }

    public func active(of memberID: MemberID) async throws -> [StoredGrant] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("grants")
                .where("member_id", .equal, memberID.rawValue).where("revoked_at", .is, SQLLiteral.null)
                .orderBy("id").all().map(Self.grant)
        }
    }

    public func allActive() async throws -> [StoredGrant] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("grants").where("revoked_at", .is, SQLLiteral.null)
                .orderBy("id").all().map(Self.grant)
        }
    }

    public func revoke(_ id: GrantID, at date: Date) async throws -> StoredGrant? {
        try await database.write { sql in
            guard
                let revoked = try await sql.update("grants").set("revoked_at", to: date.millisecondsSince1970)
                    .where("id", .equal, id.rawValue).where("revoked_at", .is, SQLLiteral.null)
                    .returning(Self.columns.map { SQLColumn($0) }).first().map(Self.grant)
            else { return nil }
            let left = try await sql.select().column("id").from("grants")
                .where("member_id", .equal, revoked.memberID.rawValue).where("revoked_at", .is, SQLLiteral.null)
                .limit(1).all()
            if left.isEmpty {
                try await sql.update("members").set("has_grants", to: 0)
                    .where("id", .equal, revoked.memberID.rawValue).run()
            }
            return revoked
        }
    }

    @Sendable static func grant(_ row: any SQLRow) throws -> StoredGrant {
        let actions = Set(
            try row.decode(column: "actions", as: String.self).split(separator: ",")
                .compactMap { Action(rawValue: String($0)) })
        var window: DailyWindow?
        if let start = try row.decode(column: "window_start_minute", as: Int64?.self),
            let end = try row.decode(column: "window_end_minute", as: Int64?.self)
        {
            window = DailyWindow(
                startMinute: Int(start), endMinute: Int(end),
                timeZoneIdentifier: try row.decode(column: "time_zone", as: String?.self) ?? "UTC")
        }
        return StoredGrant(
            id: GrantID(try row.decode(column: "id", as: Int64.self)),
            memberID: MemberID(try row.decode(column: "member_id", as: Int64.self)),
            title: try row.decode(column: "title", as: String.self),
            grant: Grant(
                actions: actions, scope: try row.decode(column: "category_id", as: Int64?.self).map { .category($0) },
                window: window,
                expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(Date.init(millisecondsSince1970:))),
            createdBy: try row.decode(column: "created_by", as: Int64?.self).map(MemberID.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
    }
}
