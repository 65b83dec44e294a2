import Foundation
import HearthCore
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// SQLite in WAL mode: one writer connection used one transaction at a time, and a few readers.
final class SQLiteBackend: DatabaseBackend {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let writeGate = AsyncGate()
    private let logger: Logger

    /// Two readers per core is enough: SQLite reads are short and run on NIO's thread pool.
    private static let readerCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// How long a connection waits for another process's lock before giving up with "busy".
    private static let busyTimeoutMilliseconds = 5_000

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HearthError.unavailable("Cannot create the data folder \(folder): check its permissions.")
        }
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            for pragma in [
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)",
            ] {
                _ = try await writer.query(pragma)
            }
            var readers: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                for pragma in [
                    "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)",
                    "PRAGMA query_only = ON",
                ] {
                    _ = try await reader.query(pragma)
                }
                readers.append(reader)
            }
            return SQLiteBackend(writer: writer, readers: readers, logger: logger)
        } catch {
            try? await writer.close()
            throw error
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        let reader = readers[index % readers.count]
        return try await body(reader.sql(queryLogLevel: .trace))
    }

    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeGate.withLock {
            // IMMEDIATE takes the write lock now, not at the first write, so a transaction never fails halfway
            // with "database is locked" because another process wrote in between.
            try await inTransaction(writer.sql(queryLogLevel: .trace), begin: "BEGIN IMMEDIATE", body)
        }
    }

    func close() async {
        for connection in readers + [writer] {
            try? await connection.close()
        }
    }
}

/// An async mutual exclusion: callers wait their turn, in order, without blocking a thread.
actor AsyncGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
