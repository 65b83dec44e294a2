import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Logging
import Synchronization
import Testing

@Suite("Database")
struct DatabaseTests {
    @Test("a PostgreSQL URL is parsed, and a bad one is refused with the expected form")
    func postgresURL() throws {
        let location = try DatabaseLocation.postgres(
            url: "postgres://ana:p%40ss@db.example.org:6543/forum?sslmode=require")
        #expect(
            location
                == .postgres(
                    .init(
                        host: "db.example.org", port: 6543, username: "ana", password: "p@ss", database: "forum",
                        tls: .require)))
        #expect(!location.description.contains("p@ss"))
        #expect(throws: HearthError.self) { try DatabaseLocation.postgres(url: "mysql://x") }
        #expect(throws: HearthError.self) { try DatabaseLocation.postgres(url: "postgres://h/db?sslmode=always") }
    }

    @Test("a PostgreSQL server that is down gives 'unavailable', not a crash, and a failing ping")
    func postgresDown() async throws {
        let port = try TestEnvironment.freePort()
        let database = try await HearthDatabase.open(
            .postgres(.init(host: "127.0.0.1", port: port, username: "x", password: nil, database: "x", tls: .disable)),
            logger: Logger(label: "test"))
        defer { Task { await database.close() } }
        await #expect(throws: HearthError.self) { try await database.ping(timeout: .seconds(3)) }
    }

    @Test("a failed write transaction leaves nothing behind", arguments: TestEngine.allCases)
    func rollback(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await database.write { sql in
                try await sql.insert(into: "members")
                    .columns("email", "display_name", "role", "password_hash", "created_at")
                    .values("a@b.org", "A", "member", "h", 0).run()
                throw Boom()
            }
        }
        #expect(try await SQLMemberRepository(database: database).find(email: "a@b.org") == nil)
    }

    @Test("SQLite runs in WAL mode with foreign keys on")
    func sqlitePragmas() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.close() } }
        let mode = try await database.read { sql in
            try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        }
        #expect(mode == "wal")
        let keys = try await database.read { sql in
            try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
        }
        #expect(keys == 1)
    }

    @Test("concurrent writers on SQLite all succeed (no 'database is locked')")
    func concurrentWrites() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.close() } }
        let members = SQLMemberRepository(database: database)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    _ = try await members.create(
                        NewMember(
                            email: "m\(index)@example.org", displayName: "M", role: .member, passwordHash: "h",
                            createdAt: Date()))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await members.count(role: .member) == 50)
    }

    @Test("a PostgreSQL deadlock is broken and the transaction it ended runs again, so both writes are kept")
    func deadlockRetried() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { Task { await database.close() } }
        try await database.write { sql in
            try await sql.raw("CREATE TABLE deadlock_probe (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)").run()
            try await sql.raw("INSERT INTO deadlock_probe (id, v) VALUES (1, 0), (2, 0)").run()
        }
        // Two writes take the two rows in opposite orders; each waits, the first time only, until the other holds
        // its first row, so that PostgreSQL has a deadlock to break.
        final class Probe: Sendable {
            let holding = Mutex<Set<Int64>>([])
            let attempts = Mutex(0)
        }
        let probe = Probe()
        @Sendable func write(first: Int64, then second: Int64) async throws {
            try await database.write { sql in
                let attempt = probe.attempts.withLock { count in
                    count += 1
                    return count
                }
                try await sql.raw("UPDATE deadlock_probe SET v = v + 1 WHERE id = \(bind: first)").run()
                if attempt <= 2 {
                    probe.holding.withLock { _ = $0.insert(first) }
                    for _ in 0..<200 where probe.holding.withLock({ $0.count }) < 2 {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                try await sql.raw("UPDATE deadlock_probe SET v = v + 1 WHERE id = \(bind: second)").run()
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await write(first: 1, then: 2) }
            group.addTask { try await write(first: 2, then: 1) }
            try await group.waitForAll()
        }
        let values = try await database.read { sql in
            try await sql.raw("SELECT v FROM deadlock_probe ORDER BY id").all().map {
                try $0.decode(column: "v", as: Int64.self)
            }
        }
        #expect(values == [2, 2], "both writes kept, each once")
        #expect(probe.attempts.withLock { $0 } == 3, "one of the two ran again")
    }
}
