import SQLKit

extension Migration {
    /// What the triage engine read in each post, stored with it (the backfill reads the posts written before).
    static let readings = Migration(number: 13, name: "post readings") { sql, _ in
        try await sql.create(table: "post_readings")
            .column(
                "post_id", type: .bigint, .primaryKey(autoIncrement: false),
                .references("posts", "id", onDelete: .cascade)
            )
            .column("language", type: .text, .notNull)
            .column("toxicity", type: .doublePrecision, .notNull)
            .column("feedback_kind", type: .text, .notNull)
            .column("sentiment", type: .doublePrecision, .notNull)
            .column("noise", type: .doublePrecision, .notNull)
            .column("counter_speech", type: .bigint, .notNull)
            .column("explanation", type: .text, .notNull)
            .run()
    }
}
