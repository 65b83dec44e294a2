import Foundation
import HearthCore
import SQLKit

/// Imports through the ledger in `import_ledger`. A batch of threads is one transaction: its new members, topics,
/// posts, their revisions, reactions and search entries, the topics' counters and the ledger's rows, each written
/// for the whole batch in a few statements (see `ImportBatchWriter`).
public struct SQLImportRepository: ImportRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func category(externalID: String, _ category: NewCategory, source: String) async throws
        -> (CategoryID, created: Bool)
    {
        if let known = try await database.read({ sql -> Int64? in
            guard let sourceID = try await Self.sourceID(source, sql) else { return nil }
            return try await Self.localID(sourceID, "category", externalID, sql)
        }) {
            return (CategoryID(known), false)
        }
        var candidate = category
        let forum = SQLForumRepository(database: database)
        if try await forum.category(slug: candidate.slug) != nil {
            candidate.slug += "-\(Slug.make(source, fallback: "import"))"
        }
        let created = try await forum.createCategory(candidate)
        try await database.write { sql in
            let sourceID = try await Self.sourceID(creating: source, sql)
            try await sql.insert(into: "import_ledger").columns("source_id", "kind", "external_id", "local_id")
                .values(SQLBind(sourceID), SQLBind("category"), SQLBind(externalID), SQLBind(created.id.rawValue))
                .run()
        }
        return (created.id, true)
    }

    public func write(_ batch: ImportBatch, source: String) async throws -> ImportCounts {
        guard !batch.threads.isEmpty || !batch.members.isEmpty else { return ImportCounts() }
        let engine = database.engine
        return try await database.write { sql in
            var writer = ImportBatchWriter(
                source: source, sourceID: try await Self.sourceID(creating: source, sql), engine: engine, sql: sql)
            return try await writer.write(batch)
        }
    }

    static func localID(_ sourceID: Int64, _ kind: String, _ externalID: String, _ sql: any SQLDatabase) async throws
        -> Int64?
    {
        try await sql.select().column("local_id").from("import_ledger")
            .where("source_id", .equal, sourceID).where("kind", .equal, kind).where("external_id", .equal, externalID)
            .first(decodingColumn: "local_id", as: Int64.self)
    }

    /// The number the ledger gives `source`, nil before its first import.
    static func sourceID(_ source: String, _ sql: any SQLDatabase) async throws -> Int64? {
        try await sql.select().column("id").from("import_sources").where("name", .equal, source)
            .first(decodingColumn: "id", as: Int64.self)
    }

    /// The number the ledger gives `source`, given here on its first import.
    static func sourceID(creating source: String, _ sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("INSERT INTO import_sources (name) VALUES (\(bind: source)) ON CONFLICT (name) DO NOTHING")
            .run()
        guard let id = try await sourceID(source, sql) else {
            throw HearthError.unavailable("The import's source could not be recorded.")
        }
        return id
    }
}
