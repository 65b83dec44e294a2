import SQLKit

extension Migration {
    /// Delegated powers (grants) and the member columns that let every request see them and a member's
    /// penalties without another query: `has_grants`, `silenced_until`, `suspended_until`.
    static let grants = Migration(number: 10, name: "grants and penalty dates") { sql, _ in
        try await sql.alter(table: "members").column("silenced_until", type: .bigint).run()
        try await sql.alter(table: "members").column("suspended_until", type: .bigint).run()
        try await sql.alter(table: "members").column("has_grants", type: .bigint, .notNull, .default(0)).run()

        try await sql.create(table: "grants")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("title", type: .text, .notNull)
            // The actions, comma-separated (Action raw values).
            .column("actions", type: .text, .notNull)
            .column("category_id", type: .bigint, .references("categories", "id", onDelete: .cascade))
            .column("window_start_minute", type: .bigint)
            .column("window_end_minute", type: .bigint)
            .column("time_zone", type: .text)
            .column("expires_at", type: .bigint)
            .column("created_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("created_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()
        try await sql.create(index: "grants_member").on("grants").column("member_id").run()
    }
}
