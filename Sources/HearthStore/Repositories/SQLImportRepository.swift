import Foundation
import HearthCore
import SQLKit

/// Imports through the ledger in `import_keys`. A batch of threads is one transaction: its new members, topics,
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
        if let known = try await database.read({ sql in try await Self.localID(source, "category", externalID, sql) }) {
            return (CategoryID(known), false)
        }
        var candidate = category
        let forum = SQLForumRepository(database: database)
        if try await forum.category(slug: candidate.slug) != nil {
            candidate.slug += "-\(Slug.make(source, fallback: "import"))"
        }
        let created = try await forum.createCategory(candidate)
        try await database.write { sql in
            try await sql.insert(into: "import_keys").columns("source", "kind", "external_id", "local_id")
                .values(SQLBind(source), SQLBind("category"), SQLBind(externalID), SQLBind(created.id.rawValue)).run()
        }
        return (created.id, true)
    }

    public func write(_ batch: ImportBatch, source: String) async throws -> ImportCounts {
        guard !batch.threads.isEmpty || !batch.members.isEmpty else { return ImportCounts() }
        let engine = database.engine
        return try await database.write { sql in
            var writer = ImportBatchWriter(source: source, engine: engine, sql: sql)
            return try await writer.write(batch)
        }
    }

    static func localID(_ source: String, _ kind: String, _ externalID: String, _ sql: any SQLDatabase) async throws
        -> Int64?
    {
        try await sql.select().column("local_id").from("import_keys")
            .where("source", .equal, source).where("kind", .equal, kind).where("external_id", .equal, externalID)
            .first(decodingColumn: "local_id", as: Int64.self)
    }
}
