import HearthCore
import SQLKit

extension DatabaseEngine {
    /// `SearchIndex.enqueue` for many posts at once, a few statements for all of them: imports write thousands of
    /// posts per transaction, and on PostgreSQL one statement per post made the import wait on the network.
    /// SQLite queues the ids in `search_backlog` for `catchUp`, as `enqueue` does; PostgreSQL writes the entries
    /// now, with the same document as `TSVectorSearchIndex.index`.
    func enqueueSearchEntries(_ entries: [SearchEntry], _ sql: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        switch self {
        case .sqlite:
            _ = try await MultiRowInsert.run(entries.map { [$0.postID] }, on: sql) { rows in
                MultiRowInsert(
                    head: "INSERT OR IGNORE INTO search_backlog (post_id) VALUES ",
                    row: [.text("("), .value(0), .text(")")], rows: rows, tail: "")
            }
        case .postgres:
            let rows: [[any Encodable & Sendable]] = entries.map {
                [
                    $0.postID, SearchText.document($0.title), SearchText.document($0.body),
                    TSVectorSearchIndex.scopeVector($0.scope),
                ]
            }
            _ = try await MultiRowInsert.run(rows, on: sql) { rows in
                MultiRowInsert(
                    head: "INSERT INTO search_posts (post_id, document) VALUES ",
                    row: [
                        .text("("), .value(0), .text(", setweight(to_tsvector('simple', "), .value(1),
                        .text("), 'A') || setweight(to_tsvector('simple', "), .value(2), .text("), 'B') || "),
                        .value(3), .text("::tsvector)"),
                    ], rows: rows, tail: " ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document")
            }
        }
    }
}
