import SQLKit

extension Migration {
    /// Posts waiting for their full-text entry, where the engine indexes them in batches (SQLite).
    static let searchBacklog = Migration(number: 8, name: "search backlog") { sql, engine in
        try await engine.searchIndex.createBacklog(sql)
    }
}
