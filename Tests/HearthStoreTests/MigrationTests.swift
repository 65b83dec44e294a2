import Foundation
import HearthCore
import HearthTestSupport
import SQLKit
import Testing

@testable import HearthStore

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty database migrates to the committed schema snapshot", arguments: TestEngine.allCases)
    func migratesToSnapshot(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        let applied = try await Migrator(database: database).migrate()
        #expect(applied.map(\.number) == Migration.all.map(\.number))
        // Numbers only grow; one may be missing for a while when two branches each add a migration.
        #expect(zip(applied, applied.dropFirst()).allSatisfy { $0.number < $1.number })

        let schema = try await SchemaDescription.describe(database)
        let snapshotURL = try #require(Bundle.module.url(forResource: "Snapshots/schema", withExtension: "txt"))
        let snapshot = try String(contentsOf: snapshotURL, encoding: .utf8)
        if schema != snapshot {
            let written = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(engine.rawValue).txt")
            try schema.write(to: written, atomically: true, encoding: .utf8)
            Issue.record(
                "The \(engine.rawValue) schema differs from Snapshots/schema.txt; the actual one is at \(written.path)")
        }
    }

    @Test("migrating twice applies nothing the second time", arguments: TestEngine.allCases)
    func idempotent(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        #expect(try await Migrator(database: database).migrate().isEmpty)
        #expect(try await Migrator(database: database).pending().isEmpty)
    }
}

@Suite("Forum migration")
struct ForumMigrationTests {
    @Test(
        "members who existed before the forum get unique handles made from their names", arguments: TestEngine.allCases)
    func handlesForExistingMembers(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        try await Migrator(database: database, migrations: [.accounts], now: { Date() }).migrate()
        for (email, name) in [("a@example.org", "Zoé Martin"), ("b@example.org", "zoe martin"), ("c@example.org", "★")]
        {
            try await database.write { sql in
                try await sql.insert(into: "members")
                    .columns("email", "display_name", "role", "password_hash", "created_at")
                    .values(SQLBind(email), SQLBind(name), SQLBind("member"), SQLBind("x"), SQLBind(0))
                    .run()
            }
        }
        try await Migrator(database: database).migrate()
        let members = SQLMemberRepository(database: database)
        #expect(try await members.find(email: "a@example.org")?.handle == "zoe_martin")
        #expect(try await members.find(email: "b@example.org")?.handle == "zoe_martin2")
        #expect(try await members.find(email: "c@example.org")?.handle == "member")
        let next = try await members.create(
            NewMember(
                email: "d@example.org", displayName: "Zoé Martin", role: .member, passwordHash: "x", createdAt: Date()))
        #expect(next.handle == "zoe_martin3")
    }
}

@Suite("Import ledger migration")
struct ImportLedgerMigrationTests {
    @Test(
        "the ledger's rows keep what each source's things became, under the source's number",
        arguments: TestEngine.allCases)
    func compactLedger(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        try await Migrator(database: database, migrations: Migration.all.filter { $0.number < 33 }, now: { Date() })
            .migrate()
        let rows: [(String, String, String, Int64)] = [
            ("stackexchange:a.example", "post", "7", 70), ("stackexchange:a.example", "topic", "7", 9),
            ("stackexchange:b.example", "post", "7", 71),
        ]
        try await database.write { sql in
            for (source, kind, externalID, localID) in rows {
                try await sql.insert(into: "import_keys").columns("source", "kind", "external_id", "local_id")
                    .values(SQLBind(source), SQLBind(kind), SQLBind(externalID), SQLBind(localID)).run()
            }
        }
        try await Migrator(database: database).migrate()
        for (source, kind, externalID, localID) in rows {
            let found = try await database.read { sql -> Int64? in
                guard let sourceID = try await SQLImportRepository.sourceID(source, sql) else { return nil }
                return try await SQLImportRepository.localID(sourceID, kind, externalID, sql)
            }
            #expect(found == localID, "\(source) \(kind) \(externalID)")
        }
        #expect(try await database.count(from: "import_sources") == 2)
    }
}

@Suite("Search index migration")
struct SearchIndexMigrationTests {
    @Test("posts indexed before the index lost its positions are found again once the backlog is read")
    func withoutPositions() async throws {
        let database = try await TestDatabase.make(.sqlite, migrated: false)
        defer { Task { await database.close() } }
        try await Migrator(database: database, migrations: Migration.all.filter { $0.number < 34 }, now: { Date() })
            .migrate()
        let created = try await SQLMemberRepository(database: database).create(
            NewMember(email: "ana@example.org", displayName: "Ana", role: .member, passwordHash: "x", createdAt: Date())
        )
        let forum = SQLForumRepository(database: database)
        let category = try await forum.createCategory(
            NewCategory(slug: "general", name: "General", description: "", startPolicy: .everyone, kind: .forum))
        _ = try await forum.createTopic(
            categoryID: category.id, title: "Kettles",
            firstPost: NewPost(
                author: MemberSummary(created), body: "A whistling kettle", html: "<p>A whistling kettle</p>",
                quotePostID: nil, createdAt: Date()))
        let search = SQLSearchRepository(database: database)
        #expect(try await search.search(SearchQuery(text: "whistling")).count == 1)

        try await Migrator(database: database).migrate()
        let definition = try await database.read { sql in
            try await sql.raw("SELECT sql FROM sqlite_master WHERE name = 'search_posts'").first(
                decodingColumn: "sql", as: String.self)
        }
        #expect(definition?.contains("detail = column") == true)
        #expect(try await search.search(SearchQuery(text: "whistling")).count == 1, "searching catches up first")
        #expect(try await search.search(SearchQuery(text: "kettles")).count == 1)
    }
}
