import Foundation
import HearthStore
import HearthTestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty database migrates to the committed schema snapshot", arguments: TestEngine.allCases)
    func migratesToSnapshot(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        let applied = try await Migrator(database: database).migrate()
        #expect(applied.map(\.number) == [1])

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
