import Foundation
import HearthCore
import Logging
import SQLKit
import Synchronization

/// SQLite in WAL mode: one writer connection used one transaction at a time, and a few readers. Each connection
/// has its own serial queue, and a body runs on its connection's queue, so its statements run without a thread
/// switch between them (see `DirectSQLiteConnection`).
final class SQLiteBackend: DatabaseBackend {
    private final class Lane: Sendable {
        let connection: DirectSQLiteConnection
        let database: DirectSQLiteDatabase
        let executor: SerialQueueExecutor
        /// Bodies running or waiting on this lane, so a read avoids a lane busy with a long search.
        let load = Atomic<Int>(0)

        init(connection: DirectSQLiteConnection, database: DirectSQLiteDatabase, executor: SerialQueueExecutor) {
            self.connection = connection
            self.database = database
            self.executor = executor
        }
    }

    private let writer: Lane
    private let readers: [Lane]
    private let nextReader = Atomic<Int>(0)
    private let writeGate = AsyncGate()

    /// Reads run on their own threads now, so a few per core let a slow search and quick page reads overlap.
    private static let readerCount = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    /// How long a connection waits for another process's lock before giving up with "busy".
    private static let busyTimeoutMilliseconds = 5_000

    private init(writer: Lane, readers: [Lane]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HearthError.unavailable("Cannot create the data folder \(folder): check its permissions.")
        }
        var opened: [DirectSQLiteConnection] = []
        func lane(_ name: String, pragmas: [String]) throws -> Lane {
            let connection = try DirectSQLiteConnection(path: path)
            opened.append(connection)
            for pragma in pragmas + ["PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)"] {
                try connection.execute(pragma, []) { _ in }
            }
            return Lane(
                connection: connection,
                database: DirectSQLiteDatabase(connection: connection, logger: logger, queryLogLevel: .trace),
                executor: SerialQueueExecutor(label: "hearth.sqlite.\(name)"))
        }
        do {
            let writer = try lane("writer", pragmas: ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"])
            let readers = try (0..<readerCount).map { try lane("reader\($0)", pragmas: ["PRAGMA query_only = ON"]) }
            return SQLiteBackend(writer: writer, readers: readers)
        } catch {
            for connection in opened { connection.close() }
            throw error
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = idleReader()
        reader.load.add(1, ordering: .relaxed)
        defer { reader.load.subtract(1, ordering: .relaxed) }
        return try await withTaskExecutorPreference(reader.executor) { try await body(reader.database) }
    }

    /// The next reader in turn, or the first idle one after it when it is busy.
    private func idleReader() -> Lane {
        let start = nextReader.add(1, ordering: .relaxed).oldValue
        for offset in 0..<readers.count {
            let reader = readers[(start &+ offset) % readers.count]
            if reader.load.load(ordering: .relaxed) == 0 { return reader }
        }
        return readers[start % readers.count]
    }

    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeGate.withLock {
            try await withTaskExecutorPreference(writer.executor) {
                // IMMEDIATE takes the write lock now, not at the first write, so a transaction never fails halfway
                // with "database is locked" because another process wrote in between.
                try await inTransaction(writer.database, begin: "BEGIN IMMEDIATE", body)
            }
        }
    }

    func close() async {
        for lane in readers + [writer] { lane.connection.close() }
    }
}

/// An async mutual exclusion: callers wait their turn, in order, without blocking a thread. Taking a free gate
/// costs one atomic lock and no suspension.
final class AsyncGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let taken = state.withLock { state in
            if state.busy { return false }
            state.busy = true
            return true
        }
        if taken { return }
        await withCheckedContinuation { continuation in
            let takenNow = state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if takenNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
