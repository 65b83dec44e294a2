import Foundation
import HearthCore
import SQLKit

/// Roles in `delegate_roles`, their holders in `role_holders`; `members.has_grants` is kept in step in the same
/// transaction, so that a request reads a member's roles only when they hold one.
public struct SQLDelegateRoleRepository: DelegateRoleRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    private static let columns = [
        "id", "name_en", "name_fr", "badge", "guidelines", "powers", "category_ids", "weekdays", "from_minute",
        "to_minute", "starts_on", "ends_on", "created_by", "created_at",
    ]

    public func create(
        _ definition: RoleDefinition, createdBy: MemberID?, at date: Date,
        log: @Sendable (DelegateRoleID) -> NewLogEntry
    ) async throws -> DelegateRole {
        let id = try await database.write { sql in
            let id =
                try await sql.insert(into: "delegate_roles")
                .columns(Self.columns.dropFirst().map { $0 })
                .values(
                    Self.values(definition).map { $0.1 }
                        + [SQLBind(createdBy?.rawValue), SQLBind(date.millisecondsSince1970)]
                )
                .returning("id").first()?.decode(column: "id", as: Int64.self) ?? 0
            try await SQLModerationRepository.log(log(DelegateRoleID(id)), at: date, sql)
            return id
        }
        return DelegateRole(
            id: DelegateRoleID(id), definition: definition, createdBy: createdBy, createdAt: date)
    }

    /// The definition's columns and values, in the order of `columns` after the id.
    static func values(_ definition: RoleDefinition) -> [(String, SQLBind)] {
        let hours = definition.hours
        return [
            ("name_en", SQLBind(definition.nameEN)), ("name_fr", SQLBind(definition.nameFR)),
            ("badge", SQLBind(definition.badge)), ("guidelines", SQLBind(definition.guidelines)),
            ("powers", SQLBind(definition.powers.map(\.rawValue).sorted().joined(separator: ","))),
            ("category_ids", SQLBind(definition.categoryIDs.map { String($0.rawValue) }.joined(separator: ","))),
            ("weekdays", SQLBind(hours.map { Int64($0.weekdays.reduce(0) { $0 | 1 << ($1 - 1) }) })),
            ("from_minute", SQLBind(hours.map { Int64($0.fromMinute) })),
            ("to_minute", SQLBind(hours.map { Int64($0.toMinute) })),
            ("starts_on", SQLBind(definition.startsOn?.description)),
            ("ends_on", SQLBind(definition.endsOn?.description)),
        ]
    }

    public func update(
        _ id: DelegateRoleID, to definition: RoleDefinition, at date: Date, today: CalendarDay, log: NewLogEntry
    ) async throws -> Bool {
        try await database.write { sql in
            var update = sql.update("delegate_roles")
            for (column, value) in Self.values(definition) { update = update.set(SQLIdentifier(column), to: value) }
            guard try await update.where("id", .equal, id.rawValue).returning("id").first() != nil else { return false }
            for holder in try await Self.holderIDs(of: id, sql) {
                try await Self.keepBadge(of: holder, today: today, sql)
            }
            try await SQLModerationRepository.log(log, at: date, sql)
            return true
        }
    }

    public func remove(_ id: DelegateRoleID, at date: Date, today: CalendarDay, log: NewLogEntry) async throws
        -> RoleRemoval
    {
        try await database.write { sql in
            guard
                try await sql.select().column("id").from("delegate_roles").where("id", .equal, id.rawValue).first()
                    != nil
            else { return .missing }
            // Reports opened and never sent go with the role (the foreign key cascades); sent ones keep it.
            if try await sql.select().column("id").from("role_reports").where("role_id", .equal, id.rawValue)
                .where("sent_at", .isNot, SQLLiteral.null).limit(1).first() != nil
            {
                return .hasReports
            }
            let holders = try await Self.holderIDs(of: id, sql)
            try await sql.delete(from: "role_holders").where("role_id", .equal, id.rawValue).run()
            try await sql.delete(from: "delegate_roles").where("id", .equal, id.rawValue).run()
            for holder in holders { try await Self.keepMarks(of: holder, today: today, sql) }
            try await SQLModerationRepository.log(log, at: date, sql)
            return .removed
        }
    }

    static func holderIDs(of id: DelegateRoleID, _ sql: any SQLDatabase) async throws -> [MemberID] {
        try await sql.select().column("member_id").from("role_holders").where("role_id", .equal, id.rawValue).all()
            .map { MemberID(try $0.decode(column: "member_id", as: Int64.self)) }
    }

    public func all() async throws -> [DelegateRole] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("delegate_roles").orderBy("id").all().map(Self.role)
        }
    }

    public func find(_ id: DelegateRoleID) async throws -> DelegateRole? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("delegate_roles").where("id", .equal, id.rawValue)
                .first().map(Self.role)
        }
    }

    public func holders(of id: DelegateRoleID) async throws -> [RoleHolder] {
        try await database.read { sql in
            try await sql.select().columns("member_id", "given_by", "given_at").from("role_holders")
                .where("role_id", .equal, id.rawValue).orderBy("given_at").orderBy("member_id").all()
                .map { row in
                    RoleHolder(
                        memberID: MemberID(try row.decode(column: "member_id", as: Int64.self)),
                        givenBy: try row.decode(column: "given_by", as: Int64?.self).map(MemberID.init(rawValue:)),
                        givenAt: Date(millisecondsSince1970: try row.decode(column: "given_at", as: Int64.self)))
                }
        }
    }

    public func give(
        _ id: DelegateRoleID, to memberID: MemberID, by giver: MemberID?, at date: Date, today: CalendarDay,
        log: NewLogEntry
    ) async throws -> Bool {
        try await database.write { sql in
            let given = try await sql.raw(
                """
                INSERT INTO role_holders (role_id, member_id, given_by, given_at) \
                VALUES (\(bind: id.rawValue), \(bind: memberID.rawValue), \(bind: giver?.rawValue), \
                \(bind: date.millisecondsSince1970)) ON CONFLICT (role_id, member_id) DO NOTHING RETURNING member_id
                """
            ).first()
            guard given != nil else { return false }
            try await sql.update("members").set("has_grants", to: 1).where("id", .equal, memberID.rawValue).run()
            try await Self.keepBadge(of: memberID, today: today, sql)
            try await SQLRoleNoticeRepository.notify(memberID.rawValue, .roleGiven, role: id.rawValue, at: date, sql)
            try await SQLModerationRepository.log(log, at: date, sql)
            return true
        }
    }

    public func takeBack(
        _ id: DelegateRoleID, from memberID: MemberID, at date: Date, today: CalendarDay, log: NewLogEntry
    ) async throws -> Bool {
        try await database.write { sql in
            let taken = try await sql.delete(from: "role_holders").where("role_id", .equal, id.rawValue)
                .where("member_id", .equal, memberID.rawValue).returning("member_id").first()
            guard taken != nil else { return false }
            try await Self.keepMarks(of: memberID, today: today, sql)
            try await SQLModerationRepository.log(log, at: date, sql)
            return true
        }
    }

    public func refreshBadges(today: CalendarDay) async throws {
        try await database.write { sql in
            let holders = try await sql.raw("SELECT DISTINCT member_id FROM role_holders").all()
                .map { MemberID(try $0.decode(column: "member_id", as: Int64.self)) }
            for holder in holders { try await Self.keepBadge(of: holder, today: today, sql) }
        }
    }

    /// After a role left a member: clears their mark when it was their last, and writes their badge again.
    static func keepMarks(of memberID: MemberID, today: CalendarDay, _ sql: any SQLDatabase) async throws {
        let left = try await sql.select().column("role_id").from("role_holders")
            .where("member_id", .equal, memberID.rawValue).limit(1).first()
        if left == nil {
            try await sql.update("members").set("has_grants", to: 0).where("id", .equal, memberID.rawValue).run()
        }
        try await keepBadge(of: memberID, today: today, sql)
    }

    /// Writes on the member's row the badge of the first role they were given that has one, so that every list of
    /// posts shows it without another query.
    static func keepBadge(of memberID: MemberID, today: CalendarDay, _ sql: any SQLDatabase) async throws {
        let day = today.description
        let badge = try await sql.raw(
            """
            SELECT r.badge FROM role_holders h JOIN delegate_roles r ON r.id = h.role_id \
            WHERE h.member_id = \(bind: memberID.rawValue) AND r.badge <> '' \
            AND (r.starts_on IS NULL OR r.starts_on <= \(bind: day)) AND (r.ends_on IS NULL OR r.ends_on >= \(bind: day)) \
            ORDER BY h.given_at, r.id LIMIT 1
            """
        ).first()?.decode(column: "badge", as: String.self)
        try await sql.update("members").set("role_badge", to: badge).where("id", .equal, memberID.rawValue).run()
    }

    public func held(by memberID: MemberID) async throws -> [DelegateRole] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("delegate_roles")
                .where(
                    "id", .in,
                    SQLGroupExpression(
                        sql.select().column("role_id").from("role_holders")
                            .where("member_id", .equal, memberID.rawValue).select)
                )
                .orderBy("id").all().map(Self.role)
        }
    }

    public func holders(of power: Action) async throws -> [MemberID] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT h.member_id, MIN(h.given_at) AS first_given FROM role_holders h \
                JOIN delegate_roles r ON r.id = h.role_id \
                WHERE ',' || r.powers || ',' LIKE \(bind: "%," + power.rawValue + ",%") \
                GROUP BY h.member_id ORDER BY first_given, h.member_id
                """
            ).all().map { MemberID(try $0.decode(column: "member_id", as: Int64.self)) }
        }
    }

    @Sendable static func role(_ row: any SQLRow) throws -> DelegateRole {
        let powers = Set(
            try row.decode(column: "powers", as: String.self).split(separator: ",")
                .compactMap { Action(rawValue: String($0)) })
        let categories = try row.decode(column: "category_ids", as: String.self).split(separator: ",")
            .compactMap { Int64($0) }.map(CategoryID.init(rawValue:))
        var hours: RoleDefinition.Hours?
        if let bits = try row.decode(column: "weekdays", as: Int64?.self),
            let from = try row.decode(column: "from_minute", as: Int64?.self),
            let to = try row.decode(column: "to_minute", as: Int64?.self)
        {
            hours = RoleDefinition.Hours(
                weekdays: Set((1...7).filter { bits & (1 << ($0 - 1)) != 0 }), fromMinute: Int(from), toMinute: Int(to))
        }
        return DelegateRole(
            id: DelegateRoleID(try row.decode(column: "id", as: Int64.self)),
            definition: RoleDefinition(
                nameEN: try row.decode(column: "name_en", as: String.self),
                nameFR: try row.decode(column: "name_fr", as: String.self),
                badge: try row.decode(column: "badge", as: String.self),
                guidelines: try row.decode(column: "guidelines", as: String.self), powers: powers,
                categoryIDs: categories, hours: hours,
                startsOn: try row.decode(column: "starts_on", as: String?.self).flatMap(CalendarDay.init),
                endsOn: try row.decode(column: "ends_on", as: String?.self).flatMap(CalendarDay.init)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self).map(MemberID.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
    }
}
