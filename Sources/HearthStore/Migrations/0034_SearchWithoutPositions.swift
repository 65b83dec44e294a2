import SQLKit

extension Migration {
    /// SQLite's search index keeps which columns of a post hold each word, no longer where in them
    /// (`detail = column`): the positions were half of the index, 0.5 KB a post. Nothing reads them: search matches
    /// words, never phrases, and `hearth_rank` now counts a word once per column. Its tokenizer takes the words
    /// `SearchText` made whole (`ascii`, see `FTS5SearchIndex.create`). The entries are re-written from
    /// the backlog by the indexer after start, as in migration 32 (search finds what is indexed meanwhile).
    static let searchWithoutPositions = Migration(number: 34, name: "search without positions") { sql, engine in
        guard engine == .sqlite else { return }
        try await sql.raw("DROP TABLE search_posts").run()
        try await engine.searchIndex.create(sql)
        try await sql.raw("INSERT OR IGNORE INTO search_backlog (post_id) SELECT id FROM posts").run()
    }
}
