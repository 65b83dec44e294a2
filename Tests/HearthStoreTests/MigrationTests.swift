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
        // Numbers may skip one being written on another branch; they only go up.
        #expect(applied.map(\.number) == Migration.all.map(\.number))
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
