import SQLKit

extension Migration {
    /// Each holder's weekly report on their role: the week's activity counted when it opens, the holder's lines, when
    /// it was sent and read, and the community manager's answer. One per role, member and ISO week.
    static let roleReports = Migration(number: 39, name: "role reports") { sql, _ in
        try await sql.create(table: "role_reports")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("role_id", type: .bigint, .notNull, .references("delegate_roles", "id", onDelete: .cascade))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            // "2026-W49"
            .column("week", type: .text, .notNull)
            .column("opened_at", type: .bigint, .notNull)
            .column("acts", type: .bigint, .notNull)
            .column("topics_helped", type: .bigint, .notNull)
            .column("newcomers_welcomed", type: .bigint, .notNull)
            .column("went_well", type: .text, .notNull)
            .column("needs_manager", type: .text, .notNull)
            .column("suggestions", type: .text, .notNull)
            .column("sent_at", type: .bigint)
            .column("read_at", type: .bigint)
            .column("answer", type: .text)
            .column("answered_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("answered_at", type: .bigint)
            .run()
        try await sql.create(index: "role_reports_holder_week").unique().on("role_reports")
            .column("role_id").column("member_id").column("week").run()
    }
}
