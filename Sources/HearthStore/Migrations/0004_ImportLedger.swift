import SQLKit

extension Migration {
    /// What each imported thing became here, so that imports can be run again safely.
    static let importLedger = Migration(number: 4, name: "import_ledger") { sql, _ in
        try await sql.create(table: "import_keys")
            .column("source", type: .text, .notNull)
            .column("kind", type: .text, .notNull)
            .column("external_id", type: .text, .notNull)
            .column("local_id", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "import_keys_unique").unique().on("import_keys")
            .column("source").column("kind").column("external_id").run()
    }
}
