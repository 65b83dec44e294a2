import Foundation
import NIOCore
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection driven through the C API of the SQLite that SQLiteNIO vendors, running each statement to
/// completion on the calling thread.
///
/// SQLiteNIO runs every statement on its thread pool and hands every row back through an event loop, so one
/// statement costs three thread switches. Measured on a reply (eight statements), those switches were over 40 % of
/// the server's CPU. Here statements step where they are called, with no switch at all (`SQLiteBackend` decides
/// which thread that is), and statements that come back are kept prepared instead of being parsed each time. The
/// lock makes one connection safe to share; each is used by one body at a time in practice.
///
/// The library is SQLiteNIO's own copy on purpose: a second copy of SQLite in one process would not see the first
/// one's POSIX locks on the same file and could corrupt it.
final class DirectSQLiteConnection: Sendable {
    private let state: Mutex<Handle>

    /// The raw handle and its prepared statements; only touched while `state` is locked.
    private struct Handle {
        var database: OpaquePointer?
        var statements: [String: OpaquePointer] = [:]
        /// Column names of kept statements, read once rather than at every execution.
        var columns: [OpaquePointer: SQLiteRecord.Columns] = [:]
        /// Hashes of SQL texts run once and not kept: a text is kept when it comes a second time, so the
        /// one-off texts of generated IN lists (search results) do not fill the cache.
        var seenOnce: Set<Int> = []
        /// Whether `hearth_rank` was added: on the first statement that calls it (the search connections).
        var ranks = false
    }

    /// Statements kept per connection. Hearth's repeated SQL is a fixed set of a few dozen texts; the cache is
    /// emptied if it ever fills.
    private static let statementLimit = 64
    private static let seenOnceLimit = 1_024

    /// Opens (creating when missing) the file. Failures are `SQLiteFailure`s with SQLite's message.
    init(path: String) throws {
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite_nio_sqlite3_open_v2(path, &database, flags, nil)
        guard code == SQLITE_OK else {
            let failure = SQLiteFailure(code: code, message: Self.message(database) ?? "cannot open \(path)")
            sqlite_nio_sqlite3_close_v2(database)
            throw failure
        }
        state = Mutex(Handle(database: database))
    }

    /// Runs one statement with its binds, handing each row to `onRow` as it is stepped.
    func execute(_ sql: String, _ binds: [SQLiteData], onRow: (SQLiteRecord) -> Void) throws {
        try state.withLock { handle in
            guard let database = handle.database else {
                throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed")
            }
            let (statement, kept) = try Self.prepared(sql, in: &handle, database)
            // A statement left unreset would keep its read transaction open and hold back checkpoints. Its binds
            // are not cleared: every execution binds them all again, and clearing them marks a statement whose plan
            // looked at a bound value (`x = ?`, `LIMIT ?`) as expired, so SQLite would parse it again next time.
            defer {
                if kept { sqlite_nio_sqlite3_reset(statement) } else { sqlite_nio_sqlite3_finalize(statement) }
            }
            for (index, value) in binds.enumerated() {
                let code = Self.bind(value, at: Int32(index + 1), to: statement)
                guard code == SQLITE_OK else { throw SQLiteFailure(code: code, message: Self.message(database)) }
            }
            var columns: SQLiteRecord.Columns?
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw SQLiteFailure(code: code, message: Self.message(database)) }
                let names = columns ?? Self.columns(of: statement, kept: kept, in: &handle)
                columns = names
                onRow(
                    SQLiteRecord(
                        columns: names, values: (0..<Int32(names.names.count)).map { Self.value(at: $0, of: statement) }
                    ))
            }
        }
    }

    /// The statement's column names: from the cache for a kept statement whose column count has not changed
    /// (a schema change makes SQLite prepare it again), read from SQLite otherwise.
    private static func columns(of statement: OpaquePointer, kept: Bool, in handle: inout Handle)
        -> SQLiteRecord.Columns
    {
        if kept, let known = handle.columns[statement],
            known.names.count == Int(sqlite_nio_sqlite3_column_count(statement))
        {
            return known
        }
        let columns = SQLiteRecord.Columns(statement)
        if kept { handle.columns[statement] = columns }
        return columns
    }

    /// Calls `checkpointer` after each commit with the number of pages in the write-ahead log, in place of
    /// SQLite's own checkpoint at 1,000 pages, which would run inside the commit on the committing thread; past
    /// `WALCheckpointer.defaultHardLimit` pages the commit does copy the log back itself.
    func handOverCheckpoints(to checkpointer: WALCheckpointer) {
        state.withLock { handle in
            sqlite_nio_sqlite3_wal_hook(
                handle.database,
                { context, database, name, pages in
                    guard let context else { return SQLITE_OK }
                    let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                    if checkpointer.logGrew(to: Int(pages)) {
                        // SQLite's own automatic checkpoint runs here too. Busy (another checkpoint is running)
                        // leaves it to the next commit.
                        _ = sqlite_nio_sqlite3_wal_checkpoint_v2(database, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                    }
                    return SQLITE_OK
                }, Unmanaged.passUnretained(checkpointer).toOpaque())
        }
    }

    /// Finalises the prepared statements and closes the handle; later calls fail with "closed".
    func close() {
        state.withLock { handle in
            for statement in handle.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            handle.statements = [:]
            handle.columns = [:]
            sqlite_nio_sqlite3_close_v2(handle.database)
            handle.database = nil
        }
    }

    /// The statement for `sql`, and whether it is kept in the cache (else the caller finalises it after use).
    private static func prepared(_ sql: String, in handle: inout Handle, _ database: OpaquePointer) throws
        -> (OpaquePointer, kept: Bool)
    {
        if let statement = handle.statements[sql] { return (statement, true) }
        if !handle.ranks, sql.contains(SearchRanking.functionName) {
            try SearchRanking.register(on: database)
            handle.ranks = true
        }
        let keep = handle.seenOnce.remove(sql.hashValue) != nil
        var statement: OpaquePointer?
        let flags = keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite_nio_sqlite3_prepare_v3(database, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteFailure(code: code, message: message(database))
        }
        guard keep else {
            if handle.seenOnce.count >= seenOnceLimit { handle.seenOnce.removeAll(keepingCapacity: true) }
            handle.seenOnce.insert(sql.hashValue)
            return (statement, false)
        }
        if handle.statements.count >= statementLimit {
            for statement in handle.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            handle.statements = [:]
            handle.columns = [:]
        }
        handle.statements[sql] = statement
        return (statement, true)
    }

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number):
            return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number):
            return sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text):
            var text = text
            return text.withUTF8 { bytes in
                guard let start = bytes.baseAddress else {
                    return sqlite_nio_sqlite3_bind_text64(statement, index, "", 0, transient, UInt8(SQLITE_UTF8))
                }
                return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                    sqlite_nio_sqlite3_bind_text64(
                        statement, index, characters, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { bytes in
                guard let start = bytes.baseAddress else {
                    return sqlite_nio_sqlite3_bind_zeroblob(statement, index, 0)
                }
                return sqlite_nio_sqlite3_bind_blob64(statement, index, start, UInt64(bytes.count), transient)
            }
        case .null:
            return sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func value(at column: Int32, of statement: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    private static func message(_ database: OpaquePointer?) -> String? {
        sqlite_nio_sqlite3_errmsg(database).map { String(cString: $0) }
    }

    /// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// An SQLite error code with SQLite's own message, for `HearthDatabase` to classify.
struct SQLiteFailure: Error, CustomStringConvertible {
    /// The extended result code (the connection is opened with extended codes on).
    let code: Int32
    let message: String

    init(code: Int32, message: String?) {
        self.code = code
        self.message = message ?? "SQLite error \(code)"
    }

    /// The primary result code, the low byte of the extended one.
    var primaryCode: Int32 { code & 0xFF }

    /// SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (extended codes the header defines as macros
    /// Swift does not import), or a bare constraint failure.
    var isUniqueViolation: Bool {
        code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8) || code == SQLITE_CONSTRAINT
    }

    /// Busy, locked, disk full, I/O error or cannot open: the database cannot be written right now.
    var isUnavailable: Bool {
        [SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN].contains(primaryCode)
    }

    var description: String { "SQLite error \(code): \(message)" }
}
