import Foundation
import HearthTestSupport
import Logging
import NIOCore
import SQLKit
import SQLiteNIO
import Testing

@testable import HearthStore

/// A path for a new SQLite file, its folder created.
private func newSQLiteFile() throws -> String {
    let path = TestDatabase.temporarySQLitePath()
    try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
    return path
}

@Suite("SQLite driver")
struct DirectSQLiteTests {
    private func connection() throws -> DirectSQLiteConnection {
        try DirectSQLiteConnection(path: try newSQLiteFile())
    }

    private func rows(_ connection: DirectSQLiteConnection, _ sql: String, _ binds: [SQLiteData] = []) throws
        -> [SQLiteRecord]
    {
        var rows: [SQLiteRecord] = []
        try connection.execute(sql, binds) { rows.append($0) }
        return rows
    }

    @Test("every kind of value comes back as it was bound, text with NUL and accents, empty blobs included")
    func roundTrip() throws {
        let connection = try connection()
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB, n TEXT)", []) { _ in }
        var blob = ByteBufferAllocator().buffer(capacity: 3)
        blob.writeBytes([0, 255, 7])
        let values: [[SQLiteData]] = [
            [.integer(Int(Int64.max)), .float(-2.5), .text("é\u{0}ü 🔥"), .blob(blob), .null],
            [.integer(-1), .float(0), .text(""), .blob(ByteBufferAllocator().buffer(capacity: 0)), .null],
        ]
        for row in values {
            try connection.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", row) { _ in }
        }
        let read = try rows(connection, "SELECT i, f, s, b, n FROM t ORDER BY rowid")
        #expect(read.map(\.values) == values)
        #expect(try read[0].decode(column: "s", as: String.self) == "é\u{0}ü 🔥")
        #expect(try read[0].decode(column: "n", as: String?.self) == nil)
        #expect(try read[0].decodeNil(column: "n"))
        #expect(read[0].allColumns == ["i", "f", "s", "b", "n"])
        #expect(throws: DecodingError.self) { try read[0].decode(column: "missing", as: Int.self) }
    }

    @Test("a kept statement gives the right rows for each new bind, including a LIMIT the planner looked at")
    func preparedStatementsRebind() throws {
        let connection = try connection()
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", []) { _ in }
        for id in 1...5 {
            try connection.execute("INSERT INTO t (id, name) VALUES (?1, ?2)", [.integer(id), .text("n\(id)")]) { _ in }
        }
        for limit in [0, 1, 3, 1, 5] {
            let read = try rows(connection, "SELECT id FROM t ORDER BY id LIMIT ?1", [.integer(limit)])
            #expect(read.count == limit)
        }
        for id in [3, 1, 0, 5] {
            let read = try rows(connection, "SELECT name FROM t WHERE id = ?1", [.integer(id)])
            #expect(try read.first?.decode(column: "name", as: String.self) == (id == 0 ? nil : "n\(id)"))
        }
    }

    @Test("SQL errors are thrown with SQLite's message, and a unique violation is recognised as one")
    func errors() async throws {
        let connection = try connection()
        defer { connection.close() }
        #expect {
            try connection.execute("SELEC nothing", []) { _ in }
        } throws: { error in
            (error as? SQLiteFailure)?.message.contains("syntax error") == true
        }
        try connection.execute("CREATE TABLE t (k TEXT UNIQUE)", []) { _ in }
        try connection.execute("INSERT INTO t VALUES ('a')", []) { _ in }
        #expect {
            try connection.execute("INSERT INTO t VALUES ('a')", []) { _ in }
        } throws: { error in
            HearthDatabase.isUniqueViolation(error) && !(error as? SQLiteFailure)!.isUnavailable
        }
        connection.close()
        #expect(throws: SQLiteFailure.self) { try connection.execute("SELECT 1", []) { _ in } }
    }

    @Test("a file that cannot be opened is an 'unavailable' failure, not a crash")
    func cannotOpen() throws {
        #expect {
            _ = try DirectSQLiteConnection(path: "/proc/hearth-cannot-be-here/x.sqlite")
        } throws: { error in
            (error as? SQLiteFailure)?.isUnavailable == true
        }
    }

    @Test("a reader sees the last committed data while a write transaction is open (WAL)")
    func readersBesideWriter() async throws {
        let database = try await TestDatabase.make(.sqlite, migrated: false)
        defer { Task { await database.close() } }
        try await database.write { sql in try await sql.raw("CREATE TABLE t (v INTEGER)").run() }
        try await database.write { sql in try await sql.raw("INSERT INTO t VALUES (1)").run() }
        let seen = try await database.write { sql in
            try await sql.raw("INSERT INTO t VALUES (2)").run()
            return try await database.count(from: "t")
        }
        #expect(seen == 1)
        #expect(try await database.count(from: "t") == 2)
    }
}

@Suite("SQLite writes")
struct SQLiteWriteTests {
    struct Refused: Error, Equatable {
        let index: Int
    }

    @Test("concurrent writes that share a transaction each get their own result, and a failing one is undone alone")
    func groupCommit() async throws {
        let database = try await TestDatabase.make(.sqlite, migrated: false)
        defer { Task { await database.close() } }
        try await database.write { sql in try await sql.raw("CREATE TABLE t (v INTEGER UNIQUE)").run() }
        try await database.write { sql in try await sql.raw("INSERT INTO t VALUES (-1)").run() }
        let outcomes = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let value = try await database.write { sql in
                            try await sql.raw("INSERT INTO t VALUES (\(bind: index))").run()
                            // Let the others queue up behind this transaction, so they share the next one.
                            await Task.yield()
                            if index % 7 == 0 { throw Refused(index: index) }
                            if index % 11 == 0 { try await sql.raw("INSERT INTO t VALUES (-1)").run() }
                            return index * 2
                        }
                        return (index, .success(value))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        var kept: [Int] = []
        for (index, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            switch outcome {
            case .success(let value):
                #expect(index % 7 != 0 && index % 11 != 0)
                #expect(value == index * 2)
                kept.append(index)
            case .failure(let error):
                if index % 7 == 0 {
                    #expect(error as? Refused == Refused(index: index))
                } else {
                    #expect(index % 11 == 0 && HearthDatabase.isUniqueViolation(error))
                }
            }
        }
        let stored = try await database.read { sql in
            try await sql.raw("SELECT v FROM t WHERE v >= 0 ORDER BY v").all().map {
                try $0.decode(column: "v", as: Int.self)
            }
        }
        #expect(stored == kept)
        #expect(kept.count == (0..<200).filter { $0 % 7 != 0 && $0 % 11 != 0 }.count)
    }
}

extension SQLiteWriteTests {
    @Test("the log is copied into the database file in the background once it passes the threshold")
    func backgroundCheckpoint() async throws {
        let path = try newSQLiteFile()
        func fileSize() throws -> Int {
            try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        }
        var before = 0
        try await writingPages(40, to: path, checkpointer: .init(threshold: 20)) {
            before = try fileSize()
        } afterwards: {
            // SQLite's own checkpoint would wait for 1,000 pages; this one starts after 20.
            var size = try fileSize()
            for _ in 0..<100 where size < before + 20 * 4096 {
                try await Task.sleep(for: .milliseconds(20))
                size = try fileSize()
            }
            #expect(size >= before + 20 * 4096)
        }
    }
}

extension SQLiteWriteTests {
    @Test("a writer that never pauses still gets its log copied back and started over")
    func logStartsOver() async throws {
        let path = try newSQLiteFile()
        // The background checkpoint never starts (its threshold is out of reach): only the writer's own one runs.
        try await writingPages(400, to: path, checkpointer: .init(threshold: 1_000_000, hardLimit: 50)) {
        } afterwards: {
            let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            // Without it the log would hold the 400 pages written and then some; it starts over after about 50.
            #expect(log < 120 * 4096, "the log is \(log / 4096) pages")
        }
    }

    /// When a checkpointer of the test's starts and how far the log may grow.
    struct CheckpointLimits {
        var threshold: Int
        var hardLimit = WALCheckpointer.defaultHardLimit
    }

    /// A writer in WAL mode that hands its checkpoints to a checkpointer with `limits`: `before` runs once the table
    /// is there, then `count` pages are written one commit each, then `afterwards` runs, both connections still open.
    private func writingPages(
        _ count: Int, to path: String, checkpointer limits: CheckpointLimits, before: () throws -> Void,
        afterwards: () async throws -> Void
    ) async throws {
        let writer = try DirectSQLiteConnection(path: path)
        let checkpointer = WALCheckpointer(
            connection: try DirectSQLiteConnection(path: path), threshold: limits.threshold,
            hardLimit: limits.hardLimit, logger: Logger(label: "test"))
        defer {
            checkpointer.close()
            writer.close()
        }
        try writer.execute("PRAGMA journal_mode = WAL", []) { _ in }
        writer.handOverCheckpoints(to: checkpointer)
        try writer.execute("CREATE TABLE t (b BLOB)", []) { _ in }
        try before()
        var page = ByteBufferAllocator().buffer(capacity: 4096)
        page.writeRepeatingByte(7, count: 4096)
        for _ in 0..<count {
            try writer.execute("INSERT INTO t VALUES (?1)", [.blob(page)]) { _ in }
        }
        try await afterwards()
    }

    @Test("page reads do not wait behind long scans")
    func readsBesideScans() async throws {
        let database = try await TestDatabase.make(.sqlite, migrated: false)
        defer { Task { await database.close() } }
        try await database.write { sql in try await sql.raw("CREATE TABLE t (v INTEGER)").run() }
        // Results come out of the group in the order the tasks finish.
        let finished = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<6 {
                group.addTask {
                    // Counting to two million in SQL: long enough that a read stuck behind it would finish last.
                    _ = try await database.scan { sql in
                        try await sql.raw(
                            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) AS n FROM c"
                        ).first()
                    }
                    return "scan \(index)"
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(50))
                for _ in 0..<20 {
                    _ = try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM t").first() }
                }
                return "reads"
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(finished.first == "reads")
    }
}
