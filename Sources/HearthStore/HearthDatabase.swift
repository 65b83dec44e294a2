import Foundation
import HearthCore
import Logging
import PostgresNIO
import SQLKit

/// The two engines Hearth runs on.
public enum DatabaseEngine: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// Appended to a SELECT of rows a transaction is about to change, so that concurrent transactions on them wait
    /// their turn: on PostgreSQL `FOR NO KEY UPDATE`, which, unlike `FOR UPDATE`, lets other transactions insert
    /// rows that refer to the locked one (a notification to a member whose row is locked, a post on a locked
    /// item). SQLite's single writer already orders every write. In a join, `table` names the one whose rows to lock.
    func writeLock(of table: String? = nil) -> SQLQueryString {
        guard self == .postgres else { return "" }
        return " FOR NO KEY UPDATE" + (table.map { " OF \(unsafeRaw: $0)" } ?? "")
    }
}

/// A connection to Hearth's database, whichever the engine. Repositories are written once against
/// SQLKit and reach the database only through `read` and `write`:
///
/// - `write` runs its body in a transaction. On SQLite all writes go through one connection, one at a time,
///   and the transaction starts with `BEGIN IMMEDIATE` so that it takes the write lock up front instead of
///   failing with "database is locked" halfway through. Writes that queue up share a transaction, and when one
///   of them throws the others run again: a body may run more than once, so it must only touch the database.
/// - `read` runs on a pooled connection (SQLite in WAL mode lets readers run beside the writer). On SQLite its
///   statements run on the calling thread: use it for reads that find their rows through an index.
/// - `scan` is `read` for queries that may visit many rows (full-text search, reports). On SQLite it runs on the
///   reader's own queue, so a slow one does not hold a thread that serves requests.
///
/// Driver errors that mean "cannot reach the database" become `HearthError.unavailable`, so that a
/// database that is down gives a clear message and a 503, never a crash.
public final class HearthDatabase: Sendable {
    public let engine: DatabaseEngine
    public let location: DatabaseLocation
    private let backend: any DatabaseBackend

    init(engine: DatabaseEngine, location: DatabaseLocation, backend: any DatabaseBackend) {
        self.engine = engine
        self.location = location
        self.backend = backend
    }

    /// Opens the database. For SQLite the folder and file are created when missing.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> HearthDatabase {
        switch location {
        case .sqlite(let path):
            let backend = try await SQLiteBackend.open(path: path, logger: logger)
            return HearthDatabase(engine: .sqlite, location: location, backend: backend)
        case .postgres(let postgres):
            let backend = PostgresBackend(location: postgres, logger: logger)
            return HearthDatabase(engine: .postgres, location: location, backend: backend)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await backend.read(body)
        } catch {
            throw Self.translate(error)
        }
    }

    public func scan<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await backend.scan(body)
        } catch {
            throw Self.translate(error)
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await backend.write(body)
        } catch {
            throw Self.translate(error)
        }
    }

    /// Answers quickly whether the database responds, for `/healthz`.
    public func ping(timeout: Duration = .seconds(3)) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.read { sql in try await sql.raw("SELECT 1").run() }
            }
            group.addTask {
                try await Pause.for(timeout)
                throw HearthError.unavailable("The database did not answer within \(timeout).")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public func close() async {
        await backend.close()
    }

    /// Whether an error is a unique-constraint violation, on either engine.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            return error.serverInfo?[.sqlState] == "23505"
        }
        return (error as? SQLiteFailure)?.isUniqueViolation ?? false
    }

    /// A deadlock broken by PostgreSQL (40P01) or a transaction it could not serialise (40001): nothing of it
    /// was kept, and running it again may well succeed.
    static func isRetryable(_ error: PSQLError) -> Bool {
        ["40P01", "40001"].contains(error.serverInfo?[.sqlState])
    }

    static func translate(_ error: any Error) -> any Error {
        if error is HearthError { return error }
        if let error = error as? PSQLError {
            if isRetryable(error) {
                return HearthError.unavailable("The database is busy or cannot be written right now. Please try again.")
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed,
                .sslUnsupported, .failedToAddSSLHandler:
                return HearthError.unavailable("The database cannot be reached right now. Please try again soon.")
            default:
                return error
            }
        }
        // PostgresNIO's pool reports a server it cannot reach with an error type it does not export.
        if String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            return HearthError.unavailable("The database cannot be reached right now. Please try again soon.")
        }
        if let error = error as? SQLiteFailure, error.isUnavailable {
            return HearthError.unavailable("The database is busy or cannot be written right now. Please try again.")
        }
        return error
    }
}

/// What each engine provides to `HearthDatabase`.
protocol DatabaseBackend: Sendable {
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func scan<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}

/// Runs `body` between `begin` and COMMIT on one connection, rolling back if it throws.
func inTransaction<T: Sendable>(
    _ sql: any SQLDatabase, begin: String, _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    try await sql.raw(SQLQueryString(begin)).run()
    do {
        let result = try await body(sql)
        try await sql.raw("COMMIT").run()
        return result
    } catch {
        try? await sql.raw("ROLLBACK").run()
        throw error
    }
}
