import SQLKit

extension Migration {
    /// The health dashboard's daily roll-ups (one row of figures per UTC day, and who wrote on each day), the
    /// indexes that let a day be counted without a scan, and the weekly letters with each recipient's delivery.
    static let lettersAndHealth = Migration(number: 46, name: "letters and health") { sql, _ in
        for (table, column) in [
            ("posts", "created_at"), ("topics", "created_at"), ("reactions", "created_at"), ("flags", "created_at"),
        ] {
            try await sql.create(index: "\(table)_created").on(table).column(column).run()
        }
        try await sql.create(index: "member_visits_day").on("member_visits").column("day").column("member_id").run()
        try await sql.create(table: "health_days")
            .column("day", type: .bigint, .primaryKey(autoIncrement: false))
            .column("figures", type: .text, .notNull)
            .column("counted_at", type: .bigint, .notNull)
            .run()
        try await sql.create(table: "health_posters")
            .column("day", type: .bigint, .notNull)
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .primaryKey("day", "member_id")
            .run()
        try await sql.create(index: "health_posters_member").on("health_posters").column("member_id").column("day")
            .run()
        try await sql.create(table: "letters")
            .column("week", type: .text, .primaryKey(autoIncrement: false))
            .column("status", type: .text, .notNull)
            .column("intro", type: .text, .notNull, .default(""))
            .column("excluded", type: .text, .notNull, .default("[]"))
            .column("draft", type: .text, .notNull)
            .column("drafted_at", type: .bigint, .notNull)
            .column("opened_at", type: .bigint)
            .column("sent_at", type: .bigint)
            .column("sent_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .run()
        try await sql.create(table: "letter_deliveries")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("week", type: .text, .notNull, .references("letters", "week", onDelete: .cascade))
            .column("address", type: .text, .notNull)
            .column("language", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("attempts", type: .bigint, .notNull, .default(0))
            .column("last_error", type: .text)
            .column("queued_at", type: .bigint, .notNull)
            .column("sent_at", type: .bigint)
            .run()
        try await sql.create(index: "letter_deliveries_week").on("letter_deliveries").column("week").column("id").run()
    }
}
