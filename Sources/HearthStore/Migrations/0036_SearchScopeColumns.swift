import SQLKit

extension Migration {
    /// PostgreSQL's search index keeps each post's category and author in columns with indexes in post order,
    /// instead of as `#c…` and `#a…` words of its document, and the places of the body's words no more (see
    /// `TSVectorSearchIndex`): a filtered search walks its filter's posts newest first, and a document is a third
    /// smaller. The title's words are those of weight A, the body's those of B, the year and month D. The table is
    /// written anew, in post order, rather than updated in place, which would have left it twice its size; the
    /// indexes are built once it is full.
    static let searchScopeColumns = Migration(number: 36, name: "search scope columns") { sql, engine in
        guard engine == .postgres else { return }
        let index = TSVectorSearchIndex()
        try await sql.raw("ALTER TABLE search_posts RENAME TO search_posts_before").run()
        try await sql.raw("ALTER INDEX search_posts_pkey RENAME TO search_posts_before_pkey").run()
        try await sql.raw("ALTER TABLE search_posts_before DROP CONSTRAINT search_posts_post_id_fkey").run()
        try await index.dropIndexes(sql)
        try await index.createTable(sql)
        try await sql.raw(
            """
            INSERT INTO search_posts (post_id, category_id, author_id, document) \
            SELECT s.post_id, t.category_id, p.author_id, \
            strip(ts_filter(ts_delete(s.document, ARRAY['#c' || t.category_id, '#a' || p.author_id]), '{b,d}')) \
            || ts_filter(s.document, '{a}') \
            FROM search_posts_before s JOIN posts p ON p.id = s.post_id JOIN topics t ON t.id = p.topic_id \
            ORDER BY s.post_id
            """
        ).run()
        try await sql.raw("DROP TABLE search_posts_before").run()
        try await index.createIndexes(sql)
    }
}
