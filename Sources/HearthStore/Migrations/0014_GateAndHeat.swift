import SQLKit

extension Migration {
    /// What moderation reads as posts are written: threats in the readings, each topic's heat, flags on profiles,
    /// a warning's week on its member, and the indexes the morning view reads the night from.
    static let gateAndHeat = Migration(number: 14, name: "gate and heat") { sql, _ in
        try await sql.alter(table: "post_readings").column("threat", type: .bigint, .notNull, .default(0)).run()
        // A warning is shown to its member for a week, read with the member like a silence.
        try await sql.alter(table: "members").column("warned_until", type: .bigint).run()

        try await sql.create(table: "topic_heat")
            .column(
                "topic_id", type: .bigint, .primaryKey(autoIncrement: false),
                .references("topics", "id", onDelete: .cascade)
            )
            // The state `HeatRules.step` moves, in columns rather than JSON: it is read and written with every reply.
            .column("pace", type: .doublePrecision, .notNull)
            .column("tone", type: .doublePrecision, .notNull)
            .column("flags", type: .doublePrecision, .notNull)
            .column("exchanges", type: .bigint, .notNull)
            // The latest authors' ids, oldest first, separated by commas.
            .column("recent_authors", type: .text, .notNull)
            .column("reasons", type: .text, .notNull)
            .column("score", type: .doublePrecision, .notNull)
            .column("heated_at", type: .bigint)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "topic_heat_heated").on("topic_heat").column("heated_at").run()

        try await sql.create(table: "profile_flags")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("reporter_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("reason", type: .text, .notNull)
            .column("message", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("resolved_at", type: .bigint)
            .unique("member_id", "reporter_id")
            .run()

        // A word is watched once per language, whatever its case, even when two people add it at the same moment:
        // `SQLWatchedWordRepository` writes the key.
        try await sql.alter(table: "watched_words").column("watch_key", type: .text).run()
        try await sql.create(index: "watched_words_once").on("watched_words").column("watch_key").unique().run()
        try await sql.create(index: "review_items_created").on("review_items").column("created_at").run()
        try await sql.create(index: "moderation_log_created").on("moderation_log").column("created_at").run()
    }
}
