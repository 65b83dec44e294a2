import SQLKit

extension Migration {
    /// A topic's post count leaves out held posts, as its reply count in lists and profiles should ("1 reply",
    /// not the held one too): counted once again here, then kept by the writes that hold or let a post through.
    static let heldPostsUncounted = Migration(number: 21, name: "held posts uncounted") { sql, _ in
        try await sql.raw(
            """
            UPDATE topics SET post_count = (SELECT COUNT(*) FROM posts p WHERE p.topic_id = topics.id \
            AND p.deleted_at IS NULL AND p.moderation <> 'pending')
            """
        ).run()
    }
}
