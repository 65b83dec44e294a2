import Foundation
import HearthCore
import HearthTestSupport
import Logging
import SQLKit
import Synchronization
import Testing

@testable import HearthApp
@testable import HearthStore

@Suite("Jobs and the outbox")
struct JobTests {
    static func mail(_ index: Int) throws -> NewJob {
        try NewJob(
            kind: .mail,
            MailMessage(
                from: "hearth@example.org", to: ["m\(index)@example.org"], subject: "Job \(index)", textBody: "x"),
            runAt: Date(timeIntervalSince1970: 0))
    }

    @Test(
        "a job queued in a write that rolls back is never sent; writes run again by the group commit queue theirs once",
        arguments: TestEngine.allCases)
    func outboxOnce(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let mail = RecordingMailTransport()
        let services = try await HearthServices.forTesting(database: database, mail: mail)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await database.write { sql in
                try await SQLJobQueue.enqueue(try Self.mail(0), at: Date(), sql)
                throw Refused()
            }
        }
        // Twenty writes at once: on SQLite they share group commits, and the one that throws makes its batch roll
        // back and the others run again.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...20 {
                group.addTask {
                    do {
                        try await database.write { sql in
                            try await SQLJobQueue.enqueue(try Self.mail(index), at: Date(), sql)
                            if index == 7 { throw Refused() }
                        }
                    } catch is Refused {}
                }
            }
            try await group.waitForAll()
        }
        #expect(try await services.jobQueue.pendingCount() == 19)
        #expect(try await services.jobs.drain() == 19)
        let subjects = mail.messages.map(\.subject)
        #expect(subjects.count == 19 && Set(subjects).count == 19, "each once")
        #expect(!subjects.contains("Job 0") && !subjects.contains("Job 7"))
        #expect(try await services.jobs.drain() == 0, "done jobs do not run again")
        await database.close()
    }

    @Test(
        "a job that queues the next under its own key hands over to it, even when the next one gets its id",
        arguments: TestEngine.allCases)
    func successorUnderSameKey(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let queue = services.jobQueue
        let runs = Mutex(0)
        let chain = JobKind(rawValue: "chain")
        let runner = JobRunner(
            queue: queue,
            handlers: [
                chain: { _ in
                    // Deleting the running job (the pending one under the key) and inserting the next: SQLite may
                    // hand the next one the id just freed.
                    let run = runs.withLock { count in
                        count += 1
                        return count
                    }
                    if run < 3 {
                        try await queue.enqueue(NewJob(kind: chain, payload: "{}", runAt: Date(), key: "chain"))
                    }
                }
            ], now: { Date() }, logger: Logger(label: "test.jobs"))
        try await queue.enqueue(NewJob(kind: chain, payload: "{}", runAt: Date(), key: "chain"))
        #expect(try await runner.drain() == 3)
        #expect(runs.withLock { $0 } == 3)
        #expect(try await queue.pendingCount() == 0)
        await database.close()
    }

    @Test("a failing job is tried again later, then given up and kept with its error")
    func retries() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let clock = TestClock()
        let mail = RecordingMailTransport()
        let services = try await HearthServices.forTesting(database: database, clock: clock, mail: mail)
        mail.failing(with: .unavailable("The e-mail could not be sent: 451 try later"))
        try await services.jobQueue.enqueue(try Self.mail(1))
        #expect(try await services.jobs.drain() == 1)
        #expect(try await services.jobs.drain() == 0, "not before its retry time")
        for delay in [60, 300, 1_800, 7_200, 43_200, 43_200, 43_200] {
            clock.advance(by: TimeInterval(delay))
            #expect(try await services.jobs.drain() == 1)
        }
        #expect(try await services.jobQueue.pendingCount() == 0, "given up after eight tries")
        let row = try await database.read { sql in
            try await sql.raw("SELECT attempts, last_error, given_up_at FROM jobs").first()
        }
        #expect(try row?.decode(column: "attempts", as: Int.self) == 8)
        #expect(try row?.decode(column: "last_error", as: String.self).contains("451") == true)
        mail.failing(with: nil)
        await database.close()
    }

    @Test(
        "two hearth serve processes on one PostgreSQL share the jobs, and each e-mail goes out once",
        .enabled(if: SMTPTestServer.canRun, "needs \(SMTPTestServer.requirement)"))
    func twoProcesses() async throws {
        guard HearthProcess.binary != nil else {
            if TestEnvironment.requirePostgres { throw HarnessError("the hearth binary is not built") }
            try Test.cancel("Skipped: the hearth binary is not built (swift build).")
            return
        }
        let database = try await TestDatabase.make(.postgres)
        guard case .postgres(let location) = database.location else {
            throw HarnessError("TestDatabase.make(.postgres) gave a database that is not PostgreSQL")
        }
        let smtp = try SMTPTestServer.start(mode: .plain)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-two-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url =
            "postgres://\(location.username)@\(location.host):\(location.port)/\(location.database ?? "")"
            + "?sslmode=disable"
        var servers: [HearthProcess] = []
        var ports: [Int] = []
        for index in 0..<2 {
            let port = try TestEnvironment.freePort()
            ports.append(port)
            servers.append(
                try HearthProcess(
                    arguments: [
                        "serve", "--port", String(port), "--data-dir", folder.appendingPathComponent("\(index)").path,
                    ],
                    environment: [
                        "HEARTH_DATABASE_URL": url, "HEARTH_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)",
                        "HEARTH_LOG_LEVEL": "notice",
                    ],
                    logPath: folder.appendingPathComponent("server-\(index).log").path))
        }
        defer { servers.forEach { $0.stop() } }
        for port in ports { try TestEnvironment.waitForPort(port, seconds: 60) }

        let count = 200
        try await database.write { sql in
            for index in 1...count { try await SQLJobQueue.enqueue(try Self.mail(index), at: Date(), sql) }
        }
        let received = try await smtp.waitForMessages(count, seconds: 60)
        let subjects = received.compactMap { message in
            // "\r\n" is one Character in Swift: split on any line break.
            message.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Subject: ") }
                .map { String($0.dropFirst(9)) }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        #expect(subjects.count == count, "every e-mail went out: \(servers.map(\.log))")
        #expect(Set(subjects).count == count, "and none twice")
        let workers = try await database.read { sql in
            try await sql.raw("SELECT COUNT(DISTINCT locked_by) AS n FROM jobs WHERE done_at IS NOT NULL")
                .first(decodingColumn: "n", as: Int.self)
        }
        #expect(workers == 2, "both processes took jobs")
        await database.close()
    }
}
