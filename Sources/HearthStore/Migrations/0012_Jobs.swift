import SQLKit

extension Migration {
    /// Durable jobs: e-mail queued with the change that sends it (the outbox), timers, backfills.
    static let jobs = Migration(number: 12, name: "jobs") { sql, _ in
        try await sql.create(table: "jobs")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("kind", type: .text, .notNull)
            .column("payload", type: .text, .notNull)
            .column("run_at", type: .bigint, .notNull)
            .column("attempts", type: .bigint, .notNull, .default(0))
            .column("last_error", type: .text)
            .column("locked_until", type: .bigint)
            .column("locked_by", type: .text)
            // Unique while pending; cleared when the job is done or given up.
            .column("job_key", type: .text, .unique)
            .column("origin", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("done_at", type: .bigint)
            .column("given_up_at", type: .bigint)
            .run()
        try await sql.create(index: "jobs_due").on("jobs").column("done_at").column("given_up_at").column("run_at")
            .run()
    }
}
