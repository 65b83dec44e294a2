import SQLKit

extension Migration {
    /// What keeps lists, profiles and search from growing with the community:
    ///
    /// - a category's pinned topics get a partial index of their own, so its list reads two index ranges (pinned,
    ///   then the rest) instead of sorting every topic of the category on "is pinned";
    /// - topics by author, for a member's topics;
    /// - the search index gains scope words (category, author, year and month) and, on SQLite, stops keeping a copy
    ///   of every post's text. SQLite's entries are re-written from the backlog by the indexer after start (search
    ///   works meanwhile, finding what is indexed); PostgreSQL's gain their scope words here.
    static let flatLists = Migration(number: 32, name: "flat lists") { sql, engine in
        try await sql.raw(
            """
            CREATE INDEX topics_category_pinned ON topics (category_id, last_posted_at, id) \
            WHERE pinned_at IS NOT NULL
            """
        ).run()
        try await sql.raw("CREATE INDEX topics_author ON topics (author_id, last_posted_at, id)").run()
        switch engine {
        case .sqlite:
            try await sql.raw("DROP TABLE search_posts").run()
            try await engine.searchIndex.create(sql)
            try await sql.raw("INSERT OR IGNORE INTO search_backlog (post_id) SELECT id FROM posts").run()
        case .postgres:
            try await sql.raw(
                """
                UPDATE search_posts s SET document = s.document || format(\
                '''#c%s'':1 ''#a%s'':1 ''#y%s'':1 ''#m%s'':1', t.category_id, p.author_id, \
                to_char(to_timestamp(p.created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY'), \
                to_char(to_timestamp(p.created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYYMM'))::tsvector \
                FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = s.post_id
                """
            ).run()
        }
    }
}
