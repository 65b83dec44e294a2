import Foundation
import HearthStore
import Logging
import SQLKit
import Testing

/// The engines every store test runs on.
public enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }
}

/// Fresh, migrated databases for tests.
public enum TestDatabase {
    /// A new empty database on the engine, migrated unless told otherwise. On PostgreSQL without a server,
    /// the current test is skipped with the reason, or fails when `HEARTH_TEST_REQUIRE_POSTGRES=1`.
    public static func make(
        _ engine: TestEngine, migrated: Bool = true, logger: Logger? = nil
    ) async throws -> HearthDatabase {
        let location: DatabaseLocation
        switch engine {
        case .sqlite:
            location = .sqlite(path: temporarySQLitePath())
        case .postgres:
            guard let postgres = try await PostgresServer.shared.createDatabase() else {
                let reason: String
                if case .unavailable(let why) = await PostgresServer.shared.start() {
                    reason = why
                } else {
                    reason = "unknown"
                }
                if TestEnvironment.requirePostgres {
                    throw HarnessError("HEARTH_TEST_REQUIRE_POSTGRES is set but \(reason)")
                }
                try Test.cancel("Skipped on PostgreSQL: \(reason). Install postgresql to run it.")
            }
            location = postgres
        }
        let database = try await HearthDatabase.open(
            location, logger: logger ?? Logger(label: "test.\(engine.rawValue)"))
        if migrated {
            try await Migrator(database: database).migrate()
        }
        return database
    }

    /// A path for a new SQLite file in its own temporary folder.
    public static func temporarySQLitePath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("hearth-test-\(UUID().uuidString)")
            .appendingPathComponent("hearth.sqlite").path
    }
}

extension HearthDatabase {
    /// `SELECT COUNT(*) FROM …` through a read connection, for tests that check what a table holds.
    /// `from` is test-written SQL: a table name, optionally with a WHERE clause.
    public func count(from: String) async throws -> Int {
        try await read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: from)").first(decodingColumn: "n", as: Int.self)
        } ?? 0
    }
}
