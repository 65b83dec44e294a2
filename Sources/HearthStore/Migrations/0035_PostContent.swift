import SQLKit

extension Migration {
    /// A post's Markdown and HTML become one compressed value, `posts.content` (see `PostContent`): 1.25 KB a post
    /// on average became 0.40 KB at 10^5 imported posts. Posts are packed a thousand at a time, then the two text
    /// columns are dropped. SQLite's file keeps its size and reuses the freed pages; PostgreSQL keeps the dropped
    /// columns' bytes in each row until the table is rewritten (`VACUUM FULL posts`).
    static let postContent = Migration(number: 35, name: "post content") { sql, engine in
        let type = engine == .sqlite ? "BLOB NOT NULL DEFAULT X''" : "BYTEA NOT NULL DEFAULT ''"
        try await sql.raw("ALTER TABLE posts ADD COLUMN content \(unsafeRaw: type)").run()
        var after: Int64 = 0
        while true {
            let rows = try await sql.raw(
                "SELECT id, body, html FROM posts WHERE id > \(bind: after) ORDER BY id LIMIT 1000"
            ).all()
            guard let last = rows.last else { break }
            let values: [[any Encodable & Sendable]] = try rows.map { row in
                [
                    try row.decode(column: "id", as: Int64.self),
                    PostContent.pack(
                        markdown: try row.decode(column: "body", as: String.self),
                        html: try row.decode(column: "html", as: String.self)),
                ]
            }
            // VALUES names its columns column1, column2… on both engines.
            _ = try await MultiRowInsert.run(values, on: sql) { rows in
                MultiRowInsert(
                    head: "UPDATE posts SET content = v.column2 FROM (VALUES ",
                    row: [.text("("), .value(0), .text(", "), .value(1), .text(")")], rows: rows,
                    tail: ") AS v WHERE posts.id = v.column1")
            }
            after = try last.decode(column: "id", as: Int64.self)
        }
        try await sql.raw("ALTER TABLE posts DROP COLUMN body").run()
        try await sql.raw("ALTER TABLE posts DROP COLUMN html").run()
        if engine == .postgres {
            // Already compressed: PostgreSQL need not try again.
            try await sql.raw(
                "ALTER TABLE posts ALTER COLUMN content DROP DEFAULT, ALTER COLUMN content SET STORAGE EXTERNAL"
            )
            .run()
        }
    }
}
