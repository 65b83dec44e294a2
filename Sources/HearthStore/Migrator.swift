import Foundation
import HearthCore
import SQLKit

/// Applies pending migrations, each in its own transaction, and records them in `hearth_migrations`.
public struct Migrator: Sendable {
    /// A migration that has been applied.
    public struct Applied: Sendable, Equatable {
        public let number: Int
        public let name: String
    }

    private let database: HearthDatabase
    private let migrations: [Migration]
    private let now: Now

    public init(database: HearthDatabase, now: @escaping Now = { Date() }) {
        self.init(database: database, migrations: Migration.all, now: now)
    }

    init(database: HearthDatabase, migrations: [Migration], now: @escaping Now) {
        self.database = database
        self.migrations = migrations
        self.now = now
    }

    /// The migrations this build knows and the database has not applied yet.
    public func pending() async throws -> [Applied] {
        try await ensureLedger()
        let done = try await database.read { sql in try await Self.appliedNumbers(sql) }
        return migrations.filter { !done.contains($0.number) }.map { Applied(number: $0.number, name: $0.name) }
    }

    /// Applies what is pending and returns it, in order. Safe to run from two processes at once: on
    /// PostgreSQL an advisory lock serialises them; on SQLite `BEGIN IMMEDIATE` does.
    @discardableResult
    public func migrate() async throws -> [Applied] {
        try await ensureLedger()
        var applied: [Applied] = []
        for migration in migrations {
            let engine = database.engine
            let timestamp = now().millisecondsSince1970
            let didApply = try await database.write { sql in
                if engine == .postgres {
                    // An arbitrary constant naming "Hearth's migrations" among advisory locks.
                    try await sql.raw("SELECT pg_advisory_xact_lock(4827301)").run()
                }
                guard try await !Self.appliedNumbers(sql).contains(migration.number) else { return false }
                try await migration.apply(sql, engine)
                try await sql.insert(into: "hearth_migrations")
                    .columns("number", "name", "applied_at")
                    .values(SQLBind(migration.number), SQLBind(migration.name), SQLBind(timestamp))
                    .run()
                return true
            }
            if didApply {
                applied.append(Applied(number: migration.number, name: migration.name))
            }
        }
        return applied
    }

    private func ensureLedger() async throws {
        try await database.write { sql in
            try await sql.create(table: "hearth_migrations")
                .ifNotExists()
                .column("number", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
    }

    private static func appliedNumbers(_ sql: any SQLDatabase) async throws -> Set<Int> {
        let rows = try await sql.select().column("number").from("hearth_migrations").all()
        return Set(try rows.map { try $0.decode(column: "number", as: Int.self) })
    }
}
