import HearthCore
import SQLKit

extension Migration {
    /// The full-text index over posts (FTS5 on SQLite, tsvector on PostgreSQL).
    static let search = Migration(number: 3, name: "search") { sql, engine in
        let index = engine.searchIndex
        try await index.create(sql)
        // Posts written before this step (none in any shipped database) are queued by migration 32, which
        // re-indexes every post with its scope.
    }
}
