import Foundation
import HearthCore
import SQLKit

/// Weekly reports in `role_reports`, one per role, holder and week; their activity is counted from the moderation
/// log and the posts when they open.
public struct SQLRoleReportRepository: RoleReportRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    private static let columns = [
        "id", "role_id", "member_id", "week", "opened_at", "acts", "topics_helped", "newcomers_welcomed", "went_well",
        "needs_manager", "suggestions", "sent_at", "read_at", "answer", "answered_by", "answered_at",
    ]

    /// A member who joined this long before a topic counts as a newcomer the holder welcomed.
    static let newcomerDays = Int64(InboxRules.newcomerDays)

    public func open(
        week: ISOWeek, from start: Date, to end: Date, days: ClosedRange<CalendarDay>, at date: Date,
        reminder: @Sendable (RoleReport) throws -> NewJob
    ) async throws -> [RoleReport] {
        let (from, to) = (start.millisecondsSince1970, end.millisecondsSince1970)
        // Holders of a role in force that week with no report yet; most passes find none and write nothing.
        let waiting: SQLQueryString = """
            SELECT h.role_id, h.member_id, r.name_en, r.category_ids FROM role_holders h \
            JOIN delegate_roles r ON r.id = h.role_id WHERE h.given_at < \(bind: to) \
            AND (r.starts_on IS NULL OR r.starts_on <= \(bind: days.upperBound.description)) \
            AND (r.ends_on IS NULL OR r.ends_on >= \(bind: days.lowerBound.description)) \
            AND NOT EXISTS (SELECT 1 FROM role_reports o WHERE o.role_id = h.role_id \
            AND o.member_id = h.member_id AND o.week = \(bind: week.description)) ORDER BY h.role_id, h.member_id
            """
        guard try await database.read({ sql in try await sql.raw(waiting).first() }) != nil else { return [] }
        return try await database.write { sql in
            let holders = try await sql.raw(waiting).all()
            var opened: [RoleReport] = []
            for holder in holders {
                let roleID = try holder.decode(column: "role_id", as: Int64.self)
                let memberID = try holder.decode(column: "member_id", as: Int64.self)
                let categories = try holder.decode(column: "category_ids", as: String.self).split(separator: ",")
                    .compactMap { Int64($0) }
                let acts = try await Self.count(
                    """
                    SELECT COUNT(*) AS n FROM moderation_log WHERE actor_id = \(bind: memberID) \
                    AND role_name = \(bind: try holder.decode(column: "name_en", as: String.self)) \
                    AND created_at >= \(bind: from) AND created_at < \(bind: to)
                    """, sql)
                var inScope: SQLQueryString = ""
                if !categories.isEmpty {
                    inScope =
                        " AND t.category_id IN ("
                        + categories.map { "\(bind: $0)" as SQLQueryString }
                        .joined(separator: ", ") + ")"
                }
                let replies: SQLQueryString =
                    """
                    FROM posts p JOIN topics t ON t.id = p.topic_id JOIN members a ON a.id = t.author_id \
                    WHERE p.author_id = \(bind: memberID) AND p.created_at >= \(bind: from) \
                    AND p.created_at < \(bind: to) AND p.deleted_at IS NULL AND t.author_id <> \(bind: memberID)
                    """ + inScope
                let topics = try await Self.count("SELECT COUNT(DISTINCT t.id) AS n " + replies, sql)
                let newcomers = try await Self.count(
                    "SELECT COUNT(DISTINCT t.author_id) AS n " + replies
                        + " AND a.created_at >= p.created_at - \(bind: Self.newcomerDays * 86_400_000)", sql)
                let inserted = try await sql.raw(
                    """
                    INSERT INTO role_reports (role_id, member_id, week, opened_at, acts, topics_helped, \
                    newcomers_welcomed, went_well, needs_manager, suggestions) VALUES (\(bind: roleID), \
                    \(bind: memberID), \(bind: week.description), \(bind: date.millisecondsSince1970), \(bind: acts), \
                    \(bind: topics), \(bind: newcomers), '', '', '') \
                    ON CONFLICT (role_id, member_id, week) DO NOTHING RETURNING id
                    """
                ).first()
                if let id = try inserted?.decode(column: "id", as: Int64.self) {
                    let report = RoleReport(
                        id: RoleReportID(id), roleID: DelegateRoleID(roleID), memberID: MemberID(memberID),
                        week: week, openedAt: date,
                        activity: RoleReport.Activity(
                            acts: Int(acts), topicsHelped: Int(topics), newcomersWelcomed: Int(newcomers)))
                    try await SQLJobQueue.enqueue(try reminder(report), at: date, sql)
                    try await SQLRoleNoticeRepository.notify(
                        memberID, .reportOpened, role: roleID, week: week, at: date, sql)
                    opened.append(report)
                }
            }
            return opened
        }
    }

    private static func count(_ statement: SQLQueryString, _ sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw(statement).first()?.decode(column: "n", as: Int64.self) ?? 0
    }

    public func report(_ id: RoleReportID) async throws -> RoleReport? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("role_reports").where("id", .equal, id.rawValue)
                .first().map(Self.report)
        }
    }

    public func report(role: DelegateRoleID, member: MemberID, week: ISOWeek) async throws -> RoleReport? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns).from("role_reports")
                .where("role_id", .equal, role.rawValue).where("member_id", .equal, member.rawValue)
                .where("week", .equal, week.description).first().map(Self.report)
        }
    }

    public func reports(role: DelegateRoleID?, week: ISOWeek?, limit: Int) async throws -> [RoleReport] {
        try await database.read { sql in
            var query = sql.select().columns(Self.columns).from("role_reports")
            if let role { query = query.where("role_id", .equal, role.rawValue) }
            if let week { query = query.where("week", .equal, week.description) }
            return try await query.orderBy("week", .descending).orderBy("id").limit(limit).all().map(Self.report)
        }
    }

    public func write(_ id: RoleReportID, _ lines: RoleReport.Lines, send: Bool, at date: Date) async throws -> Bool {
        try await database.write { sql in
            var update = sql.update("role_reports").set("went_well", to: lines.wentWell)
                .set("needs_manager", to: lines.needsManager).set("suggestions", to: lines.suggestions)
            if send { update = update.set("sent_at", to: date.millisecondsSince1970) }
            return try await update.where("id", .equal, id.rawValue).where("sent_at", .is, SQLLiteral.null)
                .returning("id").first() != nil
        }
    }

    public func markRead(_ id: RoleReportID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("role_reports").set("read_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue).where("read_at", .is, SQLLiteral.null).run()
        }
    }

    public func answer(_ id: RoleReportID, _ text: String, by manager: MemberID, at date: Date) async throws {
        try await database.write { sql in
            if let row = try await sql.select().columns("role_id", "member_id", "week").from("role_reports")
                .where("id", .equal, id.rawValue).first()
            {
                try await SQLRoleNoticeRepository.notify(
                    try row.decode(column: "member_id", as: Int64.self), .reportAnswered,
                    role: try row.decode(column: "role_id", as: Int64.self),
                    week: ISOWeek(try row.decode(column: "week", as: String.self)), at: date, sql)
            }
            try await sql.update("role_reports").set("answer", to: text).set("answered_by", to: manager.rawValue)
                .set("answered_at", to: date.millisecondsSince1970)
                .set(
                    SQLColumn("read_at"),
                    to: SQLFunction("COALESCE", args: SQLColumn("read_at"), SQLBind(date.millisecondsSince1970))
                )
                .where("id", .equal, id.rawValue).run()
        }
    }

    @Sendable static func report(_ row: any SQLRow) throws -> RoleReport {
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
        }
        return RoleReport(
            id: RoleReportID(try row.decode(column: "id", as: Int64.self)),
            roleID: DelegateRoleID(try row.decode(column: "role_id", as: Int64.self)),
            memberID: MemberID(try row.decode(column: "member_id", as: Int64.self)),
            week: ISOWeek(try row.decode(column: "week", as: String.self))
                ?? ISOWeek(containing: .distantPast, in: .gmt),
            openedAt: Date(millisecondsSince1970: try row.decode(column: "opened_at", as: Int64.self)),
            activity: RoleReport.Activity(
                acts: Int(try row.decode(column: "acts", as: Int64.self)),
                topicsHelped: Int(try row.decode(column: "topics_helped", as: Int64.self)),
                newcomersWelcomed: Int(try row.decode(column: "newcomers_welcomed", as: Int64.self))),
            lines: RoleReport.Lines(
                wentWell: try row.decode(column: "went_well", as: String.self),
                needsManager: try row.decode(column: "needs_manager", as: String.self),
                suggestions: try row.decode(column: "suggestions", as: String.self)),
            sentAt: try date("sent_at"), readAt: try date("read_at"),
            answer: try row.decode(column: "answer", as: String?.self),
            answeredBy: try row.decode(column: "answered_by", as: Int64?.self).map(MemberID.init(rawValue:)),
            answeredAt: try date("answered_at"))
    }
}
