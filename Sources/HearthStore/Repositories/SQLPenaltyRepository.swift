import Foundation
import HearthCore
import SQLKit

/// Penalties in the `penalties` table. The member's `silenced_until` and `suspended_until` are set from their
/// penalties in the same transaction, so the policy sees a penalty on the very next request, on every process.
public struct SQLPenaltyRepository: PenaltyRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    /// Gives the penalty, or gives back the one it repeats (`Penalty.isRepeated`), checked in the same transaction
    /// with the member's penalties ordered (`SQLMemberRepository.lock`).
    public func give(_ penalty: NewPenalty, log: NewLogEntry, at date: Date) async throws -> Penalty {
        let engine = database.engine
        return try await database.write { sql in
            try await SQLMemberRepository.lock(penalty.memberID, engine: engine, sql)
            if let latest = try await sql.raw(
                Self.select + " WHERE p.member_id = \(bind: penalty.memberID.rawValue) ORDER BY p.id DESC LIMIT 1"
            ).first().map(Self.penalty), latest.isRepeated(by: penalty, at: date) {
                return latest
            }
            let id =
                try await sql.insert(into: "penalties")
                .columns("member_id", "kind", "reason", "ends_at", "created_by", "created_at")
                .values(
                    SQLBind(penalty.memberID.rawValue), SQLBind(penalty.kind.rawValue), SQLBind(penalty.reason),
                    SQLBind(penalty.endsAt?.millisecondsSince1970), SQLBind(penalty.createdBy.rawValue),
                    SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self) ?? 0
            try await Self.refresh(penalty.memberID, at: date, sql)
            try await SQLModerationRepository.log(log, at: date, sql)
            return try await Self.penalty(PenaltyID(id), sql)!
        }
    }

    public func penalties(of memberID: MemberID) async throws -> [Penalty] {
        try await database.read { sql in
            try await sql.raw(Self.select + " WHERE p.member_id = \(bind: memberID.rawValue) ORDER BY p.id DESC")
                .all().map(Self.penalty)
        }
    }

    public func penalty(_ id: PenaltyID) async throws -> Penalty? {
        try await database.read { sql in try await Self.penalty(id, sql) }
    }

    public func lift(_ id: PenaltyID, log: NewLogEntry, at date: Date) async throws -> Penalty? {
        try await database.write { sql in
            guard let penalty = try await Self.penalty(id, sql), penalty.liftedAt == nil else { return nil }
            try await sql.update("penalties").set("lifted_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue).run()
            try await Self.refresh(penalty.memberID, at: date, sql)
            try await SQLModerationRepository.log(log, at: date, sql)
            return try await Self.penalty(id, sql)
        }
    }

    /// Sets the member's dates from the penalties in force: the latest end of each kind, and when the latest one
    /// not lifted was given.
    static func refresh(_ memberID: MemberID, at date: Date, _ sql: any SQLDatabase) async throws {
        func latest(_ kind: Penalty.Kind) async throws -> Int64? {
            try await sql.raw(
                """
                SELECT MAX(ends_at) AS until FROM penalties WHERE member_id = \(bind: memberID.rawValue) \
                AND kind = \(bind: kind.rawValue) AND lifted_at IS NULL \
                AND ends_at > \(bind: date.millisecondsSince1970)
                """
            ).first()?.decode(column: "until", as: Int64?.self) ?? nil
        }
        /// When the latest penalty not lifted (of `kind`, or of any) was given.
        func given(_ kind: Penalty.Kind?) async throws -> Int64? {
            var statement: SQLQueryString =
                "SELECT MAX(created_at) AS given FROM penalties WHERE member_id = \(bind: memberID.rawValue) AND lifted_at IS NULL"
            if let kind { statement = statement + " AND kind = \(bind: kind.rawValue)" }
            return try await sql.raw(statement).first()?.decode(column: "given", as: Int64?.self) ?? nil
        }
        let shownUntil = try await given(.warn).map { $0 + Int64(Penalty.warningShown * 1_000) }
        try await sql.update("members").set("silenced_until", to: try await latest(.silence))
            .set("suspended_until", to: try await latest(.suspend))
            .set("warned_until", to: shownUntil.flatMap { $0 > date.millisecondsSince1970 ? $0 : nil })
            .set("penalised_at", to: try await given(nil))
            .where("id", .equal, memberID.rawValue).run()
    }

    static let select: SQLQueryString = """
        SELECT p.id, p.member_id, p.kind, p.reason, p.ends_at, p.created_at, p.lifted_at, \
        a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, a.role AS a_role \
        FROM penalties p LEFT JOIN members a ON a.id = p.created_by
        """

    static func penalty(_ id: PenaltyID, _ sql: any SQLDatabase) async throws -> Penalty? {
        try await sql.raw(select + " WHERE p.id = \(bind: id.rawValue)").first().map(penalty)
    }

    @Sendable static func penalty(_ row: any SQLRow) throws -> Penalty {
        Penalty(
            id: PenaltyID(try row.decode(column: "id", as: Int64.self)),
            memberID: MemberID(try row.decode(column: "member_id", as: Int64.self)),
            kind: Penalty.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .warn,
            reason: try row.decode(column: "reason", as: String.self),
            endsAt: try row.decode(column: "ends_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            createdBy: try row.decode(column: "a_id", as: Int64?.self) == nil
                ? nil : try SQLMemberRepository.summary(row, prefix: "a_"),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            liftedAt: try row.decode(column: "lifted_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}

/// The community's texts (guidelines, the rules reminder) in `community_texts`.
public struct SQLCommunityTextRepository: CommunityTextRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func text(_ name: String, language: Language) async throws -> String? {
        try await database.read { sql in
            try await sql.select().column("body").from("community_texts").where("name", .equal, name)
                .where("language", .equal, language.rawValue).first(decodingColumn: "body", as: String.self)
        }
    }

    public func setText(
        _ name: String, language: Language, body: String, by memberID: MemberID, log: NewLogEntry, at date: Date
    ) async throws {
        try await database.write { sql in
            try await sql.delete(from: "community_texts").where("name", .equal, name)
                .where("language", .equal, language.rawValue).run()
            try await sql.insert(into: "community_texts")
                .columns("name", "language", "body", "updated_at", "updated_by")
                .values(
                    SQLBind(name), SQLBind(language.rawValue), SQLBind(body), SQLBind(date.millisecondsSince1970),
                    SQLBind(memberID.rawValue)
                ).run()
            try await SQLModerationRepository.log(log, at: date, sql)
        }
    }
}
