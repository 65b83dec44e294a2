import Foundation
import HearthCore
import SQLKit

extension DatabaseEngine {
    /// Writes the search entries of posts an import has just written, in its transaction: the entries that
    /// `SearchIndex.index` writes one post at a time, here a few statements for thousands of posts.
    ///
    /// Folding the text (`SearchText.document`) was the largest single cost of indexing imported posts, so it is
    /// done on every core while the transaction waits. On SQLite the entries go straight into FTS5 rather than
    /// through `search_backlog`: FTS5 writes its pending entries out as a segment at every statement journal, so
    /// `catchUp`'s statement per post wrote a segment per post and spent its time merging them; here one statement
    /// adds the batch, last in the transaction, and its entries become one segment at commit. On PostgreSQL one
    /// statement per post was a round trip each.
    /// The documents written must stay those of `FTS5SearchIndex.index` and `TSVectorSearchIndex.index`.
    func indexImported(_ entries: [SearchEntry], _ sql: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        let folded = await Self.fold(entries)
        switch self {
        case .sqlite:
            // Up to 8,000 rows (32,000 values, below SQLite's 32,766) per statement: a batch is one statement.
            let rows = zip(folded, entries).map { $0 + [$1.scope.words.joined(separator: " ")] }
            _ = try await MultiRowInsert.run(rows, on: sql, rowsPerStatement: 8_000) { rows in
                MultiRowInsert(into: "search_posts", columns: ["rowid", "title", "body", "scope"], rows: rows)
            }
        case .postgres:
            let rows = zip(folded, entries).map {
                $0 + [TSVectorSearchIndex.scopeVector($1.scope), $1.scope.categoryID, $1.scope.authorID]
            }
            _ = try await MultiRowInsert.run(rows, on: sql) { rows in
                MultiRowInsert(
                    head: "INSERT INTO search_posts (post_id, category_id, author_id, document) VALUES ",
                    row: [
                        .text("("), .value(0), .text(", "), .value(4), .text(", "), .value(5),
                        .text(", strip(to_tsvector('simple', "), .value(2),
                        .text(")) || setweight(to_tsvector('simple', "), .value(1), .text("), 'A') || "),
                        .value(3), .text("::tsvector)"),
                    ], rows: rows,
                    tail: """
                         ON CONFLICT (post_id) DO UPDATE SET category_id = EXCLUDED.category_id, \
                        author_id = EXCLUDED.author_id, document = EXCLUDED.document
                        """)
            }
        }
    }

    /// Each entry as (post id, folded title, folded text), folded in as many parts as there are cores.
    private static func fold(_ entries: [SearchEntry]) async -> [[any Encodable & Sendable]] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, entries.count / 64))
        let size = (entries.count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [[any Encodable & Sendable]]).self) { group in
            for part in 0..<parts {
                let slice = entries[min(entries.count, part * size)..<min(entries.count, (part + 1) * size)]
                group.addTask {
                    (part, slice.map { [$0.postID, SearchText.document($0.title), SearchText.document($0.body)] })
                }
            }
            var folded = [[[any Encodable & Sendable]]](repeating: [], count: parts)
            for await (part, rows) in group { folded[part] = rows }
            return folded.flatMap { $0 }
        }
    }
}
