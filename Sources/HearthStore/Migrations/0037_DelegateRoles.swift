import SQLKit

extension Migration {
    /// Delegated roles replace per-member grants: a role ("Evening advisor") has names in both languages, a badge,
    /// guidelines, powers, categories, days and hours in the community's time zone, and first and last days; members
    /// hold roles (`role_holders`; `members.has_grants` still marks who holds any). Each grant still in force becomes
    /// a role of its own held by its member: its title for both names, its category, its hours on every day (their
    /// time zone becomes the community's) and its end as the last day (the UTC day of its last instant, read then in
    /// the community's zone: east of UTC it ends a few hours earlier, west of it a few hours later, at most 14).
    /// Grants were never offered on a page or in the API, so only a database written by hand holds any.
    static let delegateRoles = Migration(number: 37, name: "delegate roles") { sql, engine in
        try await sql.create(table: "delegate_roles")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("name_en", type: .text, .notNull)
            .column("name_fr", type: .text, .notNull)
            .column("badge", type: .text, .notNull)
            .column("guidelines", type: .text, .notNull)
            // Action raw values, comma-separated.
            .column("powers", type: .text, .notNull)
            // Category ids, comma-separated; empty for the whole community.
            .column("category_ids", type: .text, .notNull)
            // ISO weekdays as bits (1 << (day - 1)); NULL with the minutes when the powers hold at any hour.
            .column("weekdays", type: .bigint)
            .column("from_minute", type: .bigint)
            .column("to_minute", type: .bigint)
            // YYYY-MM-DD in the community's time zone.
            .column("starts_on", type: .text)
            .column("ends_on", type: .text)
            .column("created_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await sql.create(table: "role_holders")
            .column("role_id", type: .bigint, .notNull, .references("delegate_roles", "id", onDelete: .cascade))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("given_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("given_at", type: .bigint, .notNull)
            .primaryKey("role_id", "member_id")
            .run()
        try await sql.create(index: "role_holders_member").on("role_holders").column("member_id").run()

        let lastDay =
            engine == .postgres
            ? "to_char(to_timestamp((expires_at - 1) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            : "date((expires_at - 1) / 1000, 'unixepoch')"
        try await sql.raw(
            """
            INSERT INTO delegate_roles (id, name_en, name_fr, badge, guidelines, powers, category_ids, weekdays, \
            from_minute, to_minute, starts_on, ends_on, created_by, created_at) \
            SELECT id, title, title, '', '', actions, COALESCE(CAST(category_id AS TEXT), ''), \
            CASE WHEN window_start_minute IS NULL THEN NULL ELSE 127 END, window_start_minute, window_end_minute, \
            NULL, CASE WHEN expires_at IS NULL THEN NULL ELSE \(unsafeRaw: lastDay) END, created_by, created_at \
            FROM grants WHERE revoked_at IS NULL
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO role_holders (role_id, member_id, given_by, given_at) \
            SELECT id, member_id, created_by, created_at FROM grants WHERE revoked_at IS NULL
            """
        ).run()
        if engine == .postgres {
            try await sql.raw(
                "SELECT setval(pg_get_serial_sequence('delegate_roles', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM delegate_roles"
            ).run()
        }
        try await sql.raw("DROP TABLE grants").run()
    }
}
