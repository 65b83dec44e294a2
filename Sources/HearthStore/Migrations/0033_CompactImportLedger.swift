import SQLKit

extension Migration {
    /// The import ledger names its source (`stackexchange:bicycles.stackexchange.com`) by a number: each row kept the
    /// whole name, and its unique index a second copy of the row, 0.16 KB a post at 10^6 posts. On SQLite the table
    /// is its own index (`WITHOUT ROWID`), so a row is stored once.
    static let compactImportLedger = Migration(number: 33, name: "compact import ledger") { sql, engine in
        let (identity, withoutRowID) =
            engine == .sqlite ? ("INTEGER PRIMARY KEY", " WITHOUT ROWID") : ("BIGSERIAL PRIMARY KEY", "")
        try await sql.raw("CREATE TABLE import_sources (id \(unsafeRaw: identity), name TEXT NOT NULL UNIQUE)").run()
        try await sql.raw(
            """
            CREATE TABLE import_ledger (\
            source_id BIGINT NOT NULL REFERENCES import_sources (id), kind TEXT NOT NULL, external_id TEXT NOT NULL, \
            local_id BIGINT NOT NULL, PRIMARY KEY (source_id, kind, external_id))\(unsafeRaw: withoutRowID)
            """
        ).run()
        try await sql.raw("INSERT INTO import_sources (name) SELECT DISTINCT source FROM import_keys ORDER BY source")
            .run()
        try await sql.raw(
            """
            INSERT INTO import_ledger (source_id, kind, external_id, local_id) \
            SELECT s.id, k.kind, k.external_id, k.local_id FROM import_keys k JOIN import_sources s ON s.name = k.source
            """
        ).run()
        try await sql.raw("DROP TABLE import_keys").run()
    }
}
