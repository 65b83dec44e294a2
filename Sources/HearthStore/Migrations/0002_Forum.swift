import HearthCore
import SQLKit

extension Migration {
    /// Handles and bios for members; categories, topics, posts and their revisions, reactions,
    /// notifications and read positions. Flags that carry a date (pinned, closed, deleted) are nullable
    /// dates rather than booleans: they say when, and they need no boolean type common to both engines.
    static let forum = Migration(number: 2, name: "forum") { sql, _ in
        // Existing members get a handle made from their name; the column stays nullable because SQLite
        // cannot add a NOT NULL column without a default, but every write fills it.
        try await sql.alter(table: "members").column("handle", type: .text).run()
        try await sql.alter(table: "members").column("bio", type: .text, .notNull, .default("")).run()
        let existing = try await sql.select().columns("id", "display_name").from("members").orderBy("id").all()
        var taken: Set<String> = []
        for row in existing {
            let id = try row.decode(column: "id", as: Int64.self)
            let base = Handle.base(for: try row.decode(column: "display_name", as: String.self))
            let handle = taken.contains(base) ? "\(base)\(id)" : base
            taken.insert(handle)
            try await sql.update("members").set("handle", to: handle).where("id", .equal, id).run()
        }
        try await sql.create(index: "members_handle").unique().on("members").column("handle").run()

        try await sql.create(table: "categories")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("slug", type: .text, .notNull, .unique)
            .column("name", type: .text, .notNull)
            .column("description", type: .text, .notNull)
            .column("position", type: .bigint, .notNull)
            .column("start_policy", type: .text, .notNull)
            .column("kind", type: .text, .notNull)
            .run()

        try await sql.create(table: "topics")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("category_id", type: .bigint, .notNull, .references("categories", "id"))
            .column("author_id", type: .bigint, .notNull, .references("members", "id"))
            .column("title", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("last_posted_at", type: .bigint, .notNull)
            .column("last_poster_id", type: .bigint, .notNull, .references("members", "id"))
            .column("post_count", type: .bigint, .notNull)
            .column("highest_number", type: .bigint, .notNull)
            .column("pinned_at", type: .bigint)
            .column("closed_at", type: .bigint)
            .column("deleted_at", type: .bigint)
            .run()
        try await sql.create(index: "topics_latest").on("topics").column("last_posted_at").column("id").run()
        try await sql.create(index: "topics_category_latest").on("topics")
            .column("category_id").column("last_posted_at").column("id").run()

        try await sql.create(table: "posts")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("topic_id", type: .bigint, .notNull, .references("topics", "id", onDelete: .cascade))
            .column("number", type: .bigint, .notNull)
            .column("author_id", type: .bigint, .notNull, .references("members", "id"))
            .column("body", type: .text, .notNull)
            .column("html", type: .text, .notNull)
            .column("quote_post_id", type: .bigint, .references("posts", "id", onDelete: .setNull))
            .column("created_at", type: .bigint, .notNull)
            .column("edited_at", type: .bigint)
            .column("edit_count", type: .bigint, .notNull)
            .column("deleted_at", type: .bigint)
            .column("deleted_by", type: .bigint, .references("members", "id"))
            .run()
        try await sql.create(index: "posts_topic_number").unique().on("posts").column("topic_id").column("number").run()
        try await sql.create(index: "posts_author").on("posts").column("author_id").column("created_at").run()

        try await sql.create(table: "post_revisions")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("post_id", type: .bigint, .notNull, .references("posts", "id", onDelete: .cascade))
            .column("body", type: .text, .notNull)
            .column("editor_id", type: .bigint, .notNull, .references("members", "id"))
            .column("replaced_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "post_revisions_post").on("post_revisions").column("post_id").run()

        try await sql.create(table: "reactions")
            .column("post_id", type: .bigint, .notNull, .references("posts", "id", onDelete: .cascade))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "reactions_unique").unique().on("reactions")
            .column("post_id").column("member_id").column("kind").run()

        try await sql.create(table: "notifications")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("actor_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("topic_id", type: .bigint, .notNull, .references("topics", "id", onDelete: .cascade))
            .column("post_id", type: .bigint, .notNull, .references("posts", "id", onDelete: .cascade))
            .column("created_at", type: .bigint, .notNull)
            .column("read_at", type: .bigint)
            .run()
        try await sql.create(index: "notifications_member").on("notifications").column("member_id").column("id").run()

        try await sql.create(table: "topic_reads")
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("topic_id", type: .bigint, .notNull, .references("topics", "id", onDelete: .cascade))
            .column("last_read_number", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "topic_reads_unique").unique().on("topic_reads").column("member_id").column(
            "topic_id"
        )
        .run()
    }
}
