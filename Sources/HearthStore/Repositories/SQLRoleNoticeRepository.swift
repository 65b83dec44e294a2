import Foundation
import HearthCore
import SQLKit

/// Notices to role holders in `role_notices`; `notify` writes one inside the caller's transaction.
public struct SQLRoleNoticeRepository: RoleNoticeRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    /// Tells the member about the role (its names read from `delegate_roles`), in the caller's transaction.
    static func notify(
        _ memberID: Int64, _ kind: RoleNotice.Kind, role roleID: Int64, week: ISOWeek? = nil, at date: Date,
        _ sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO role_notices (member_id, kind, name_en, name_fr, week, created_at) \
            SELECT \(bind: memberID), \(bind: kind.rawValue), name_en, name_fr, \(bind: week?.description), \
            \(bind: date.millisecondsSince1970) FROM delegate_roles WHERE id = \(bind: roleID)
            """
        ).run()
    }

    public func notices(of memberID: MemberID, limit: Int) async throws -> [RoleNotice] {
        try await database.read { sql in
            try await sql.select().columns("id", "kind", "name_en", "name_fr", "week", "created_at", "read_at")
                .from("role_notices").where("member_id", .equal, memberID.rawValue).orderBy("id", .descending)
                .limit(limit).all().compactMap { row in
                    guard let kind = RoleNotice.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                        return nil
                    }
                    return RoleNotice(
                        id: try row.decode(column: "id", as: Int64.self), kind: kind,
                        nameEN: try row.decode(column: "name_en", as: String.self),
                        nameFR: try row.decode(column: "name_fr", as: String.self),
                        week: try row.decode(column: "week", as: String?.self).flatMap(ISOWeek.init),
                        createdAt: try SQLForumRepository.date(row, "created_at"),
                        readAt: try SQLForumRepository.optionalDate(row, "read_at"))
                }
        }
    }

    public func markRead(of memberID: MemberID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("role_notices").set("read_at", to: date.millisecondsSince1970)
                .where("member_id", .equal, memberID.rawValue).where("read_at", .is, SQLLiteral.null).run()
        }
    }
}
