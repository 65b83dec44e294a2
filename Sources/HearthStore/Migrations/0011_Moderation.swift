import SQLKit

extension Migration {
    /// Moderation: a post's state (visible, hidden, held), flags, the review queue, penalties, the audit log,
    /// slow mode on topics, the community's guidelines and watched words.
    static let moderation = Migration(number: 11, name: "moderation") { sql, _ in
        try await sql.alter(table: "posts").column("moderation", type: .text, .notNull, .default("visible")).run()
        // Set while a topic's opening post waits for approval: lists leave the topic out for everyone else.
        try await sql.alter(table: "topics").column("held_at", type: .bigint).run()
        try await sql.alter(table: "topics").column("slow_mode_seconds", type: .bigint).run()
        try await sql.alter(table: "topics").column("slow_mode_until", type: .bigint).run()

        // The review queue shows each author's number of posts: counted from this index alone.
        try await sql.create(index: "posts_author_live").on("posts").column("author_id").column("deleted_at").run()

        try await sql.create(table: "flags")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("post_id", type: .bigint, .notNull, .references("posts", "id", onDelete: .cascade))
            .column("reporter_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("reason", type: .text, .notNull)
            .column("message", type: .text)
            .column("weight", type: .doublePrecision, .notNull)
            .column("created_at", type: .bigint, .notNull)
            // 1 when staff agreed with the flag, 0 when they did not, NULL while undecided.
            .column("agreed", type: .bigint)
            .column("resolved_at", type: .bigint)
            .run()
        try await sql.create(index: "flags_post_reporter").unique().on("flags").column("post_id").column("reporter_id")
            .run()
        try await sql.create(index: "flags_reporter").on("flags").column("reporter_id").run()

        try await sql.create(table: "review_items")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("kind", type: .text, .notNull)
            .column("post_id", type: .bigint, .references("posts", "id", onDelete: .cascade))
            .column("member_id", type: .bigint, .references("members", "id", onDelete: .cascade))
            // "kind:target" while the item is open, NULL once handled: one open item per thing to review.
            .column("open_key", type: .text, .unique)
            .column("reasons", type: .text, .notNull)
            .column("score", type: .doublePrecision, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("sleeps_until", type: .bigint)
            .column("claimed_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("claimed_at", type: .bigint)
            .column("handled_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("handled_at", type: .bigint)
            .column("outcome", type: .text)
            .run()
        // The queue reads open items by score, highest first, then oldest first.
        try await sql.raw("CREATE INDEX review_items_queue ON review_items (handled_at, score DESC, id)").run()
        try await sql.create(index: "review_items_post").on("review_items").column("post_id").run()

        try await sql.create(table: "penalties")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("reason", type: .text, .notNull)
            .column("ends_at", type: .bigint)
            .column("created_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("created_at", type: .bigint, .notNull)
            .column("lifted_at", type: .bigint)
            .run()
        try await sql.create(index: "penalties_member").on("penalties").column("member_id").column("created_at").run()

        try await sql.create(table: "moderation_log")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("actor_id", type: .bigint, .references("members", "id", onDelete: .setNull))
            .column("action", type: .text, .notNull)
            .column("target_kind", type: .text, .notNull)
            .column("target_id", type: .bigint, .notNull)
            .column("reason", type: .text, .notNull)
            .column("text_before", type: .text)
            .column("text_after", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "moderation_log_time").on("moderation_log").column("created_at").column("id").run()

        try await sql.create(table: "community_texts")
            .column("name", type: .text, .notNull)
            .column("language", type: .text, .notNull)
            .column("body", type: .text, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("updated_by", type: .bigint, .references("members", "id", onDelete: .setNull))
            .primaryKey("name", "language")
            .run()

        try await sql.create(table: "watched_words")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("language", type: .text)
            .column("pattern", type: .text, .notNull)
            .column("is_regex", type: .bigint, .notNull)
            .column("action", type: .text, .notNull)
            .column("replacement", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}

extension SQLDataType {
    /// An 8-byte float on both engines (SQLite reads the name as REAL affinity; SQLKit's `.real` is 4 bytes on
    /// PostgreSQL).
    static let doublePrecision = SQLDataType.custom(SQLRaw("DOUBLE PRECISION"))
}
