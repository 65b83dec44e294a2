import SQLKit

extension Migration {
    /// What `/people` stands on: each member's place on the trust ladder (members already here start at basic, new
    /// sign-ups and imported members at new, until the people pass has read what they did), the days they came, their engagement level week by week, the segments and the equity of
    /// attention the last people pass found.
    static let people = Migration(number: 41, name: "people") { sql, _ in
        try await sql.alter(table: "members").column("trust_level", type: .text, .notNull, .default("new")).run()
        try await sql.update("members").set("trust_level", to: "basic").run()
        try await sql.alter(table: "members").column("trust_locked", type: .bigint, .notNull, .default(0)).run()
        try await sql.alter(table: "members").column("trust_below_since", type: .bigint).run()
        // Days since 1970 (UTC) on which the member used the site.
        try await sql.create(table: "member_visits")
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("day", type: .bigint, .notNull)
            .primaryKey("member_id", "day")
            .run()
        // "2026-W49"
        try await sql.create(table: "member_levels")
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("week", type: .text, .notNull)
            .column("level", type: .bigint, .notNull)
            .column("score", type: .doublePrecision, .notNull)
            .primaryKey("member_id", "week")
            .run()
        try await sql.create(index: "member_levels_week").on("member_levels").column("week").run()
        try await sql.create(table: "people_segments")
            .column("segment", type: .text, .notNull)
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("rank", type: .doublePrecision, .notNull)
            // JSON
            .column("reasons", type: .text, .notNull)
            .primaryKey("segment", "member_id")
            .run()
        try await sql.create(index: "people_segments_rank").on("people_segments")
            .column("segment").column("rank").column("member_id").run()
        // One row: when the last pass ran, its week, and the equity of attention it measured (JSON).
        try await sql.create(table: "people_passes")
            .column("id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("ran_at", type: .bigint, .notNull)
            .column("week", type: .text, .notNull)
            .column("equity", type: .text, .notNull)
            .run()
    }
}
