import HearthCore
import SQLKit

/// A post to index: its id, its topic's title for an opening post (else empty), and its text.
struct SearchEntry {
    let postID: Int64
    let title: String
    let body: String
}

extension DatabaseEngine {
    /// `SearchIndex.enqueue` for many posts at once, a few statements for all of them: imports write thousands of
    /// posts per transaction, and on PostgreSQL one statement per post made the import wait on the network.
    /// SQLite queues the ids in `search_backlog` for `catchUp`, as `enqueue` does; PostgreSQL writes the entries
    /// now, with the same document as `TSVectorSearchIndex.index`.
    ///
    /// Kept apart from SearchIndex.swift while that file is being reworked; it belongs there, as a requirement of
    /// `SearchIndex` beside `enqueue`.
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
                [$0.postID, SearchText.document($0.title), SearchText.document($0.body)]
            }
            _ = try await MultiRowInsert.run(rows, on: sql) { rows in
                MultiRowInsert(
                    head: "INSERT INTO search_posts (post_id, document) VALUES ",
                    row: [
                        .text("("), .value(0), .text(", setweight(to_tsvector('simple', "), .value(1),
                        .text("), 'A') || setweight(to_tsvector('simple', "), .value(2), .text("), 'B'))"),
                    ], rows: rows, tail: " ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document")
            }
        }
    }
}
