import SQLKit

extension Migration {
    /// The priority inbox: one row per post, heated topic or flagged profile that deserves attention, with the
    /// facts it was ranked on, its score and why; kept current by the writes that change them. Also each author's
    /// marks ("troll: let it be", "pertinent") and when each member last opened their inbox.
    static let inbox = Migration(number: 31, name: "inbox") { sql, _ in
        try await sql.create(table: "inbox_items")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            // "post:ID", "topic:ID" or "member:ID": one item per thing, found again when it changes.
            .column("source_key", type: .text, .notNull, .unique)
            .column("kind", type: .text, .notNull)
            .column("post_id", type: .bigint)
            .column("topic_id", type: .bigint)
            .column("category_id", type: .bigint)
            .column("author_id", type: .bigint)
            .column("facts", type: .text, .notNull)
            .column("reasons", type: .text, .notNull)
            .column("score", type: .doublePrecision, .notNull)
            .column("state", type: .text, .notNull)
            // 1 while a question waits for someone else's reply: the reply's one indexed probe.
            .column("awaiting_answer", type: .bigint, .notNull, .default(0))
            // 1 once the wait was counted (the clock's job), so it is counted once.
            .column("waited", type: .bigint, .notNull, .default(0))
            .column("snoozed_until", type: .bigint)
            .column("assigned_to", type: .bigint)
            .column("decided_by", type: .bigint)
            .column("decision", type: .text)
            .column("decided_at", type: .bigint)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "inbox_items_rank").on("inbox_items").column("state").column("score").column("id")
            .run()
        try await sql.create(index: "inbox_items_category").on("inbox_items").column("category_id").column("state")
            .column("score").run()
        try await sql.create(index: "inbox_items_arrived").on("inbox_items").column("state").column("created_at").run()
        // A reply's probe for the questions it answers: others' waiting items in its topic, as two ranges either
        // side of the replier (a member's own many posts in one thread are never read).
        try await sql.create(index: "inbox_items_topic").on("inbox_items").column("topic_id").column("awaiting_answer")
            .column("author_id").run()
        try await sql.create(index: "inbox_items_author").on("inbox_items").column("author_id").column("state").run()
        try await sql.create(index: "inbox_items_waiting").on("inbox_items").column("awaiting_answer").column("waited")
            .column("created_at").run()
        try await sql.create(index: "inbox_items_assigned").on("inbox_items").column("assigned_to").column("state")
            .run()
        // Who an item can be given to is read on every inbox page: staff, found by role rather than by reading
        // every member.
        try await sql.create(index: "members_role").on("members").column("role").run()
        try await sql.create(table: "inbox_authors")
            .column("member_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("trolls", type: .bigint, .notNull)
            .column("pertinent", type: .bigint, .notNull)
            .run()
        try await sql.create(table: "inbox_seen")
            .column("member_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("seen_at", type: .bigint, .notNull)
            .run()
    }
}
