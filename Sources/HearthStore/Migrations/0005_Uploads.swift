import SQLKit

extension Migration {
    /// Uploaded images, by content hash; the bytes live in the data folder.
    static let uploads = Migration(number: 5, name: "uploads") { sql, _ in
        try await sql.create(table: "uploads")
            .column("hash", type: .text, .primaryKey(autoIncrement: false))
            .column("format", type: .text, .notNull)
            .column("byte_count", type: .bigint, .notNull)
            .column("width", type: .bigint, .notNull)
            .column("height", type: .bigint, .notNull)
            .column("uploader_id", type: .bigint, .notNull, .references("members", "id"))
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
