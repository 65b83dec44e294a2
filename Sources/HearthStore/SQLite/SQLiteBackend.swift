import Foundation
import HearthCore
import Logging
import SQLKit
import Synchronization

/// SQLite in WAL mode: one writer connection used one transaction at a time (writes that queue up behind one share
/// the next, see `WriteBatcher`), a few readers, and a connection that checkpoints the log in the background
/// (`WALCheckpointer`).
///
/// Statements run on the calling thread (see `DirectSQLiteConnection`): on a warm database an indexed read or a
/// reply's whole transaction takes tens of microseconds, less than the two thread switches it would cost to run
/// them elsewhere, and writes never wait for the disk (WAL with `synchronous = NORMAL` syncs at checkpoints, which
/// run on their own queue). Reads that may visit many rows go through `scan`, which runs on one of two connections
/// of its own, each on its own serial queue, so that slow searches hold neither a thread that serves requests nor
/// a connection that page reads need.
final class SQLiteBackend: DatabaseBackend {
    private final class Reader: Sendable {
        let connection: DirectSQLiteConnection
        let database: DirectSQLiteDatabase
        /// The serial queue a scanner's bodies run on; page readers have none, their bodies run on the caller's
        /// thread.
        let queue: ScanExecutor?
        /// Bodies running or waiting on this reader, so a read goes to an idle one when there is one.
        let load = Atomic<Int>(0)

        init(connection: DirectSQLiteConnection, database: DirectSQLiteDatabase, queue: ScanExecutor?) {
            self.connection = connection
            self.database = database
            self.queue = queue
        }
    }

    private let writer: DirectSQLiteConnection
    private let writerDatabase: DirectSQLiteDatabase
    private let checkpointer: WALCheckpointer
    /// Connections for `read`, used on the caller's thread.
    private let readers: [Reader]
    /// Connections for `scan`, each used on its own queue. They are apart from `readers` so that a burst of
    /// searches never leaves a page read waiting, thread blocked, behind one of them.
    private let scanners: [Reader]
    private let nextReader = Atomic<Int>(0)
    private let writes = WriteBatcher()

    /// A reader per thread that serves requests, and one to spare.
    private static let readerCount = 1 + ProcessInfo.processInfo.activeProcessorCount
    /// Two scans run side by side; more wait their turn on the queues, without holding a thread.
    private static let scannerCount = 2
    /// Page cache of each scanner's connection, in KiB (page readers keep 512).
    private static let scannerCacheKiB = 16_384
    /// How long a connection waits for another process's lock before giving up with "busy".
    private static let busyTimeoutMilliseconds = 5_000

    private init(
        writer: DirectSQLiteConnection, checkpointer: WALCheckpointer, readers: [Reader], scanners: [Reader],
        logger: Logger
    ) {
        self.writer = writer
        self.writerDatabase = DirectSQLiteDatabase(connection: writer, logger: logger, queryLogLevel: .trace)
        self.checkpointer = checkpointer
        self.readers = readers
        self.scanners = scanners
        writer.handOverCheckpoints(to: checkpointer)
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HearthError.unavailable("Cannot create the data folder \(folder): check its permissions.")
        }
        var opened: [DirectSQLiteConnection] = []
        func connect(_ pragmas: [String]) throws -> DirectSQLiteConnection {
            let connection = try DirectSQLiteConnection(path: path)
            opened.append(connection)
            for pragma in pragmas + ["PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)"] {
                try connection.execute(pragma, []) { _ in }
            }
            return connection
        }
        do {
            // After a checkpoint lets the log start over, a log that grew past 64 MiB in a burst is cut back.
            let writer = try connect([
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA journal_size_limit = 67108864",
            ])
            let checkpointer = WALCheckpointer(connection: try connect(["PRAGMA cache_size = -256"]), logger: logger)
            func reader(queue: ScanExecutor?) throws -> Reader {
                // A search ranks a thousand candidates spread over the file: each reads its post, its topic and
                // its entry's size. With half a megabyte of pages that was half of a rare word's search in
                // reading pages back from the kernel; 16 MiB each for the two scanners halved it.
                let cache = queue == nil ? -512 : -Self.scannerCacheKiB
                let connection = try connect(["PRAGMA query_only = ON", "PRAGMA cache_size = \(cache)"])
                return Reader(
                    connection: connection,
                    database: DirectSQLiteDatabase(connection: connection, logger: logger, queryLogLevel: .trace),
                    queue: queue)
            }
            return SQLiteBackend(
                writer: writer, checkpointer: checkpointer,
                readers: try (0..<readerCount).map { _ in try reader(queue: nil) },
                scanners: try (0..<scannerCount).map {
                    try reader(queue: ScanExecutor(label: "hearth.sqlite.scanner\($0)"))
                }, logger: logger)
        } catch {
            for connection in opened { connection.close() }
            throw error
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = idle(readers)
        reader.load.add(1, ordering: .relaxed)
        defer { reader.load.subtract(1, ordering: .relaxed) }
        return try await body(reader.database)
    }

    func scan<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = idle(scanners)
        reader.load.add(1, ordering: .relaxed)
        defer { reader.load.subtract(1, ordering: .relaxed) }
        return try await withTaskExecutorPreference(reader.queue) { try await body(reader.database) }
    }

    /// The next connection in turn, or the first idle one after it when it is busy.
    private func idle(_ pool: [Reader]) -> Reader {
        let start = nextReader.add(1, ordering: .relaxed).oldValue
        for offset in 0..<pool.count {
            let reader = pool[(start &+ offset) % pool.count]
            if reader.load.load(ordering: .relaxed) == 0 { return reader }
        }
        return pool[start % pool.count]
    }

    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        // The batcher keeps the body only until it has run, before this call returns.
        try await withoutActuallyEscaping(body) { body in try await writes.write(on: writerDatabase, body) }
    }

    func close() async {
        for reader in readers + scanners { reader.connection.close() }
        for scanner in scanners { scanner.queue?.stop() }
        checkpointer.close()
        writer.close()
    }
}
