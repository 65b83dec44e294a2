import SQLKit

extension Migration {
    /// The member directory: when each member was last seen (0 until their next visit, which sorts them last
    /// without a NULL that an index on both engines would order differently), and indexes for its two orders and
    /// for counting a member's live posts from the index alone.
    static let memberDirectory = Migration(number: 20, name: "member directory") { sql, _ in
        try await sql.alter(table: "members").column("last_seen_at", type: .bigint, .notNull, .default(0)).run()
        try await sql.create(index: "members_joined").on("members").column("created_at").column("id").run()
        try await sql.create(index: "members_last_seen").on("members").column("last_seen_at").column("id").run()
        try await sql.create(index: "posts_author_counted").on("posts")
            .column("author_id").column("deleted_at").column("moderation").run()
        // Its first two columns were `posts_author_live`, which the new one serves in its place: a post written
        // still updates as many indexes as before.
        try await sql.drop(index: "posts_author_live").run()
    }
}
