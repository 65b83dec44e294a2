import Foundation
import HearthCore
import SQLKit

/// The `jobs` table. On PostgreSQL, several `hearth serve` processes claim jobs with `FOR UPDATE SKIP LOCKED`,
/// so that each due job goes to exactly one of them; on SQLite writes are serialised and one process runs them.
public struct SQLJobQueue: JobQueue {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func enqueue(_ job: NewJob) async throws {
        try await database.write { sql in try await Self.enqueue(job, at: Date(), sql) }
    }

    /// Queues a job inside the caller's transaction: the outbox. If the transaction rolls back, so does the job,
    /// and a write retried by the group commit queues it once.
    static func enqueue(_ job: NewJob, at date: Date, _ sql: any SQLDatabase) async throws {
        if let key = job.key {
            try await sql.delete(from: "jobs").where("job_key", .equal, key).run()
        }
        try await sql.insert(into: "jobs")
            .columns("kind", "payload", "run_at", "job_key", "origin", "created_at")
            .values(
                SQLBind(job.kind.rawValue), SQLBind(job.payload), SQLBind(job.runAt.millisecondsSince1970),
                SQLBind(job.key), SQLBind(job.origin), SQLBind(date.millisecondsSince1970)
            ).run()
    }

    /// Queues a job inside the caller's transaction unless one of its kind waits to start (not claimed, or its
    /// claim lapsed): for jobs that look for their own work, such as learning every label not learned yet. A job
    /// already running may have read its work before this transaction commits, so it does not count. On
    /// PostgreSQL the waiting job is locked `FOR SHARE` until the commit: `claim` skips it meanwhile, so whoever
    /// runs it sees what this transaction wrote.
    static func enqueueUnlessWaiting(_ job: NewJob, at date: Date, engine: DatabaseEngine, _ sql: any SQLDatabase)
        async throws
    {
        let millis = date.millisecondsSince1970
        let lock: SQLQueryString = engine == .postgres ? " FOR SHARE" : ""
        let waiting = try await sql.raw(
            """
            SELECT id FROM jobs WHERE kind = \(bind: job.kind.rawValue) AND done_at IS NULL AND given_up_at IS NULL \
            AND (locked_until IS NULL OR locked_until < \(bind: millis)) LIMIT 1
            """ + lock
        ).first()
        guard waiting == nil else { return }
        try await enqueue(job, at: date, sql)
    }

    public func claim(limit: Int, now: Date, lease: TimeInterval, worker: String) async throws -> [Job] {
        let millis = now.millisecondsSince1970
        let lock: SQLQueryString = database.engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let statement: SQLQueryString =
            """
            UPDATE jobs SET locked_until = \(bind: now.addingTimeInterval(lease).millisecondsSince1970), \
            locked_by = \(bind: worker), attempts = attempts + 1 \
            WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND given_up_at IS NULL \
            AND run_at <= \(bind: millis) AND (locked_until IS NULL OR locked_until < \(bind: millis)) \
            ORDER BY run_at, id LIMIT \(bind: limit)
            """ + lock + ") RETURNING id, kind, payload, run_at, attempts, last_error, origin"
        return try await database.write { sql in
            try await sql.raw(statement).all().map { row in
                Job(
                    id: JobID(try row.decode(column: "id", as: Int64.self)),
                    kind: JobKind(rawValue: try row.decode(column: "kind", as: String.self)),
                    payload: try row.decode(column: "payload", as: String.self),
                    runAt: Date(millisecondsSince1970: try row.decode(column: "run_at", as: Int64.self)),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    lastError: try row.decode(column: "last_error", as: String?.self),
                    origin: try row.decode(column: "origin", as: String?.self))
            }.sorted { ($0.runAt, $0.id.rawValue) < ($1.runAt, $1.id.rawValue) }
        }
    }

    /// Only a claimed row is marked: a job that queued its successor under its own key (a batch and the next, a
    /// timer put off) was deleted by that, and on SQLite, whose ids are rowids without AUTOINCREMENT, the
    /// successor may have been given the same id. It is not claimed yet, so it is left to run.
    public func complete(_ id: JobID, at date: Date) async throws {
        try await database.write { sql in
            try await sql.update("jobs").set("done_at", to: date.millisecondsSince1970)
                .set("locked_until", to: SQLLiteral.null).set("job_key", to: SQLLiteral.null)
                .where("id", .equal, id.rawValue).where("locked_until", .isNot, SQLLiteral.null).run()
        }
    }

    public func fail(_ id: JobID, error: String, retryAt: Date?, at date: Date) async throws {
        try await database.write { sql in
            var update = sql.update("jobs").set("last_error", to: String(error.prefix(2_000)))
                .set("locked_until", to: SQLLiteral.null)
            if let retryAt {
                update = update.set("run_at", to: retryAt.millisecondsSince1970)
            } else {
                update = update.set("given_up_at", to: date.millisecondsSince1970).set("job_key", to: SQLLiteral.null)
            }
            // A claimed row only, as in `complete`.
            try await update.where("id", .equal, id.rawValue).where("locked_until", .isNot, SQLLiteral.null).run()
        }
    }

    public func pendingCount() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE done_at IS NULL AND given_up_at IS NULL")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func cancel(key: String) async throws {
        try await database.write { sql in try await Self.cancel(key: key, sql) }
    }

    /// Removes a pending job inside the caller's transaction (a timer ended with the change that ends it).
    static func cancel(key: String, _ sql: any SQLDatabase) async throws {
        try await sql.delete(from: "jobs").where("job_key", .equal, key).where("done_at", .is, SQLLiteral.null).run()
    }
}
