import HearthCore
import SQLKit

extension Migration {
    /// The full-text index over posts (FTS5 on SQLite, tsvector on PostgreSQL), filled from existing posts.
    static let search = Migration(number: 3, name: "search") { sql, engine in
        let index = engine.searchIndex
        try await index.create(sql)
        let rows = try await sql.raw(
            "SELECT p.id, p.number, p.body, t.title FROM posts p JOIN topics t ON t.id = p.topic_id"
        ).all()
        for row in rows {
            let number = try row.decode(column: "number", as: Int.self)
            try await index.index(
                postID: try row.decode(column: "id", as: Int64.self),
                title: number == 1 ? try row.decode(column: "title", as: String.self) : "",
                body: try row.decode(column: "body", as: String.self), sql)
        }
    }
}
