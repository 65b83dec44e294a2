import SQLKit

extension Migration {
    /// Blog articles; each has a topic (in the hidden comments category) for its comments.
    static let blog = Migration(number: 6, name: "blog") { sql, _ in
        try await sql.create(table: "articles")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("slug", type: .text, .notNull, .unique)
            .column("title", type: .text, .notNull)
            .column("body", type: .text, .notNull)
            .column("html", type: .text, .notNull)
            .column("cover_path", type: .text)
            .column("tags", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("publish_at", type: .bigint)
            .column("product_name", type: .text)
            .column("product_url", type: .text)
            .column("product_image", type: .text)
            .column("author_id", type: .bigint, .notNull, .references("members", "id"))
            .column("topic_id", type: .bigint, .notNull, .references("topics", "id"))
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "articles_publish").on("articles").column("status").column("publish_at").run()
        try await sql.create(index: "articles_topic").unique().on("articles").column("topic_id").run()
    }
}
